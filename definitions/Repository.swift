public import Larder

/// The rides project: what `larder plan` and `larder apply` register. Edit the definitions in this
/// folder, then run `larder plan` to see what the edit changes.
public let repository = FeatureRepository(
    project: "rides",
    entities: [driver, customer],
    sources: [driverStatsSource, customerStatsSource, tripsSource],
    views: [driverStats, customerStats],
    onDemandViews: [tripRequest],
    aggregationViews: [driverTrips, customerTrips],
    services: [ridesService, ridesPlusService, ridesWindowsService])
