public import Larder

/// Driver quality features; a value is valid for one day after its event time.
public let driverStats = FeatureView(
    "driver_stats", entities: [driver], ttl: .days(1), source: driverStatsSource,
    fields: [
        Field("conv_rate", .float32, description: "Share of ride offers the driver accepted"),
        Field("acc_rate", .float32, description: "Share of accepted rides the driver completed"),
        Field("avg_daily_trips", .int32, description: "Trips per day over the last week"),
    ],
    tags: ["team": "rides"], owner: "ml-platform",
    description: "Hourly driver quality statistics",
    schedule: .every(.hours(1)))

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
    schedule: .every(.hours(24)))
