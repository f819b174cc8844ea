public import Larder

/// Everything the trip-completion model reads: all six driver and customer features.
public let ridesService = FeatureService(
    "rides", features: [driverStats.features("conv_rate", "acc_rate", "avg_daily_trips"), customerStats.allFeatures],
    description: "Inputs of the trip-completion model", owner: "ml-platform")

/// The rides inputs plus the derived driver quality and the requested trip's features (computed at lookup
/// time: lookups and entity files give `distance_km`).
public let ridesPlusService = FeatureService(
    "rides_plus", features: [driverStats.allFeatures, customerStats.allFeatures, tripRequest.allFeatures],
    description: "Inputs of the trip-completion model, with driver quality and trip features", owner: "ml-platform")

/// The rides inputs plus the drivers' and customers' recent trips, aggregated over sliding windows.
/// `last3_fares` (a list) is left out until training sets and lookups hold list-valued features.
public let ridesWindowsService = FeatureService(
    "rides_windows",
    features: [
        driverStats.features("conv_rate", "acc_rate", "avg_daily_trips"), customerStats.allFeatures,
        driverTrips.features("trips_1h", "trips_24h", "fare_sum_24h", "fare_avg_7d", "fare_max_7d", "rating_min_7d",
                             "distance_std_7d", "last_payment"),
        customerTrips.allFeatures,
    ],
    description: "Inputs of the trip-completion model, with window aggregates of trips", owner: "ml-platform")
