public import Larder

/// Completed trips: one raw event per trip, the input of the window aggregations below.
public let tripsSource = Source.parquet(
    "trips", path: "trips.parquet",
    eventTimestamp: "event_timestamp", created: "created",
    description: "Completed trips from the dispatch system, one row per trip")

/// The event columns the aggregations read.
let tripEvents = [
    Field("fare", .float64, description: "Fare charged, null when not yet billed"),
    Field("distance_km", .float32),
    Field("rating", .int32, description: "Customer rating 1–5, null when not rated"),
    Field("payment", .string, description: "card, cash or wallet"),
]

/// A driver's recent activity, from the trips before the moment asked about.
public let driverTrips = AggregationView(
    "driver_trips", entities: [driver], source: tripsSource, events: tripEvents,
    aggregations: [
        .count("trips_1h", over: .hours(1)),
        .count("trips_24h", over: .hours(24)),
        .sum("fare_sum_24h", of: "fare", over: .hours(24)),
        .mean("fare_avg_7d", of: "fare", over: .days(7)),
        .max("fare_max_7d", of: "fare", over: .days(7)),
        .min("rating_min_7d", of: "rating", over: .days(7)),
        .stddev("distance_std_7d", of: "distance_km", over: .days(7)),
        .last("last_payment", of: "payment", over: .lifetime),
        .last(3, "last3_fares", of: "fare", over: .days(7)),
    ],
    owner: "ml-platform", description: "Driver trip counts, fares and ratings over sliding windows")

/// A customer's recent spending.
public let customerTrips = AggregationView(
    "customer_trips", entities: [customer], source: tripsSource, events: tripEvents,
    aggregations: [
        .count("trips_7d", over: .days(7)),
        .sum("fare_sum_7d", of: "fare", over: .days(7)),
        .mean("distance_avg_24h", of: "distance_km", over: .hours(24)),
    ],
    owner: "ml-platform", description: "Customer trip counts and spending over sliding windows")
