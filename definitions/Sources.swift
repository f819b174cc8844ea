public import Larder

/// Hourly driver statistics, with late corrections that share an event time but carry a later `created`.
public let driverStatsSource = Source.parquet(
    "driver_stats", path: "driver_stats.parquet",
    eventTimestamp: "event_timestamp", created: "created",
    description: "Hourly driver statistics from the trips pipeline")

/// Daily customer statistics.
public let customerStatsSource = Source.parquet(
    "customer_stats", path: "customer_stats.parquet",
    eventTimestamp: "event_timestamp", created: "created",
    description: "Daily customer statistics from the billing pipeline")
