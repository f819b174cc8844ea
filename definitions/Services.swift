public import Larder

/// Everything the trip-completion model reads: all six driver and customer features.
public let ridesService = FeatureService(
    "rides", features: [driverStats.features("conv_rate", "acc_rate", "avg_daily_trips"), customerStats.allFeatures],
    description: "Inputs of the trip-completion model", owner: "ml-platform")

/// The rides inputs plus the derived driver quality.
public let ridesPlusService = FeatureService(
    "rides_plus", features: [driverStats.allFeatures, customerStats.allFeatures],
    description: "Inputs of the trip-completion model, with driver quality", owner: "ml-platform")
