import Larder
import LarderRegistry

/// A rides-like repository with one aggregation view over a trips source, one knob per aspect the
/// aggregation tests vary.
struct AggregationVariant {
    var name = "driver_trips"
    var events = [Field("fare", .float64), Field("rating", .int32), Field("payment", .string), Field("dropoff", .timestamp)]
    var aggregations: [Aggregation] = [
        .count("trips_1h", over: .hours(1)),
        .sum("fare_sum_24h", of: "fare", over: .hours(24)),
        .min("rating_min_7d", of: "rating", over: .days(7)),
        .last("last_payment", of: "payment", over: .lifetime),
        .last(3, "last3_fares", of: "fare", over: .days(7), hop: .hours(6)),
    ]
    var useCustomer = false
    var useDriverSource = false
    var transform: RowTransform? = nil
    var tags: [String: String] = ["team": "rides"]
    var owner: String? = "rides@example.com"
    var description = "Trips per driver over sliding windows"
    var schedule: Schedule? = nil
    var allowedLateness: TimeSpan? = nil
    /// Entities the view names but the repository does not list.
    var unlistedEntities: [Entity] = []
    /// A source the view reads but the repository does not list.
    var unlistedSource: Source? = nil
    /// Extra views of other kinds, to clash with.
    var extraOnDemand: [OnDemandView] = []

    var rides: RidesVariant { RidesVariant() }
    let trips = Source.csv("trips", path: "trips.csv")

    var view: AggregationView {
        let base = rides
        return AggregationView(name, entities: [useCustomer ? base.customer : base.driver] + unlistedEntities,
                               source: unlistedSource ?? (useDriverSource ? base.driverSource : trips),
                               events: events, aggregations: aggregations, transform: transform, tags: tags, owner: owner,
                               description: description, schedule: schedule, allowedLateness: allowedLateness)
    }

    var repository: FeatureRepository {
        let base = rides
        return FeatureRepository(
            project: "rides", entities: [base.driver, base.customer], sources: [base.driverSource, base.customerSource, trips],
            views: [base.driverStats, base.customerStats], onDemandViews: extraOnDemand, aggregationViews: [view],
            services: [FeatureService("rides", features: [base.driverStats.allFeatures, base.customerStats.allFeatures])])
    }

    var spec: RepositorySpec { RepositorySpec(repository) }
}
