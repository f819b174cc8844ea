public import Larder

/// Everything the trip-completion model reads: all six driver and customer features.
public let ridesService = FeatureService(
    "rides", features: [driverStats.allFeatures, customerStats.allFeatures],
    description: "Inputs of the trip-completion model", owner: "ml-platform")
