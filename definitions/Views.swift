public import Larder

/// Rates are shares, so anything outside [0, 1] is an upstream glitch: clip it, and derive `quality`, the
/// chance an offer ends in a completed ride. Runs on every materialized and pushed row, offline and online.
public let clipRates = RowTransform("clip_rates", version: 1, produces: ["quality"]) { row in
    let conv = row.double("conv_rate").map { min(max($0, 0), 1) }
    let acc = row.double("acc_rate").map { min(max($0, 0), 1) }
    if let conv { row["conv_rate"] = .float32(Float(conv)) }
    if let acc { row["acc_rate"] = .float32(Float(acc)) }
    row["quality"] = conv.flatMap { c in acc.map { .float32(Float(c * $0)) } } ?? .null
}

/// Driver quality features; a value is valid for one day after its event time.
public let driverStats = FeatureView(
    "driver_stats", entities: [driver], ttl: .days(1), source: driverStatsSource,
    fields: [
        Field("conv_rate", .float32, description: "Share of ride offers the driver accepted, clipped to [0, 1]"),
        Field("acc_rate", .float32, description: "Share of accepted rides the driver completed, clipped to [0, 1]"),
        Field("avg_daily_trips", .int32, description: "Trips per day over the last week"),
        Field("quality", .float32, description: "conv_rate × acc_rate: the chance an offer ends in a completed ride"),
    ],
    transform: clipRates,
    tags: ["team": "rides"], owner: "ml-platform",
    description: "Hourly driver quality statistics",
    schedule: .every(.hours(1)),
    // Checked on the rows after clip_rates, before a job or push commits anything: the rates are clipped, so a value
    // outside [0, 1] here means the transform changed; warn rather than stop the hourly job.
    expectations: [
        .between("conv_rate", 0, 1, severity: .warn),
        .between("acc_rate", 0, 1, severity: .warn),
        .between("quality", 0, 1, severity: .warn),
        .notNull("avg_daily_trips", severity: .warn),
        .atLeast("avg_daily_trips", 0),
        .notNull("driver_id"),
    ])

/// Customer features; a value is valid for two days after its event time.
public let customerStats = FeatureView(
    "customer_stats", entities: [customer], ttl: .days(2), source: customerStatsSource,
    fields: [
        Field("current_balance", .float32, description: "Account balance at the end of the day"),
        Field("avg_passenger_count", .float32, description: "Passengers per ride, averaged"),
        Field("lifetime_trip_count", .int32, description: "Rides booked since sign-up"),
    ],
    tags: ["team": "rides"], owner: "ml-platform",
    description: "Daily customer statistics",
    schedule: .every(.hours(24)),
    expectations: [
        .notNull("current_balance"),
        .atLeast("lifetime_trip_count", 0),
    ])
