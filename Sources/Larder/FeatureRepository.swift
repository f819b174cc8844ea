/// Everything a project defines — the unit `larder plan` and `larder apply` register.
///
/// A definitions module exposes one `repository`; the `larder` executable links it.
///
/// ```swift
/// public let repository = FeatureRepository(
///     project: "rides",
///     entities: [driver, customer],
///     sources: [driverStatsSource, customerStatsSource],
///     views: [driverStats, customerStats],
///     onDemandViews: [tripRequest],
///     services: [rides])
/// ```
public struct FeatureRepository: Sendable {
    /// The project name; namespaces online keys and the registry.
    public let project: String
    public let entities: [Entity]
    public let sources: [Source]
    public let views: [FeatureView]
    /// Views computed at lookup time (``OnDemandView``); their features are referenced like any view's.
    public let onDemandViews: [OnDemandView]
    /// Views of aggregates over windows of events (``AggregationView``).
    public let aggregationViews: [AggregationView]
    public let services: [FeatureService]

    public init(
        project: String, entities: [Entity], sources: [Source], views: [FeatureView],
        onDemandViews: [OnDemandView] = [], aggregationViews: [AggregationView] = [], services: [FeatureService]
    ) {
        self.project = project
        self.entities = entities
        self.sources = sources
        self.views = views
        self.onDemandViews = onDemandViews
        self.aggregationViews = aggregationViews
        self.services = services
    }

    /// Everything materialization stores: the feature views, then each aggregation view as the feature view of
    /// its events (``AggregationView/eventsView``).
    public var materializedViews: [FeatureView] { views + aggregationViews.map(\.eventsView) }

    public func entity(named name: String) -> Entity? { entities.first { $0.name == name } }
    public func source(named name: String) -> Source? { sources.first { $0.name == name } }
    public func view(named name: String) -> FeatureView? { views.first { $0.name == name } }
    public func onDemandView(named name: String) -> OnDemandView? { onDemandViews.first { $0.name == name } }
    public func aggregationView(named name: String) -> AggregationView? { aggregationViews.first { $0.name == name } }
    public func service(named name: String) -> FeatureService? { services.first { $0.name == name } }
}
