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
