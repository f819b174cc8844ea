public import Larder

/// Features of the trip being requested, computed at lookup time from its length (sent with the request)
/// and the driver's and customer's stored features. `larder training-set` computes the same values from the
/// entity file's `distance_km` column, so the model trains on what it is served.
public let tripRequest = OnDemandView(
    "trip_request", version: 1,
    request: [RequestField("distance_km", .float64, description: "Length of the requested trip in kilometres")],
    sources: [driverStats.features("avg_daily_trips"), customerStats.features("current_balance")],
    outputs: [
        Field("expected_trips_per_km", .float64, description: "avg_daily_trips / max(distance_km, 0.1): how many such trips the driver makes a day"),
        Field("balance_after_fare", .float64, description: "current_balance − 2.5 × distance_km: the balance left after paying this trip"),
    ],
    owner: "ml-platform", description: "Trip-level features of a ride request"
) { batch in
    let distance = try batch.float64("distance_km")
    let trips = try batch.float64("avg_daily_trips")
    let balance = try batch.float64("current_balance")
    batch["expected_trips_per_km"] = .float64(batch.rows.map { i in
        guard let t = trips[i], let d = distance[i] else { return nil }
        return t / max(d, 0.1)
    })
    batch["balance_after_fare"] = .float64(batch.rows.map { i in
        guard let b = balance[i], let d = distance[i] else { return nil }
        return b - 2.5 * d
    })
}
