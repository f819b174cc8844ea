/// Features that are aggregates over sliding windows of an event source — trips in the last hour, fares
/// summed over a day, the last three payment methods — written once, computed exactly alike in training
/// sets and online (see ``Aggregation`` for the window rule).
///
/// `events` declares the typed columns of the source the aggregations read; an optional ``RowTransform``
/// runs on each event first (the same transforms as feature views: it may rewrite or add columns).
///
/// ```swift
/// public let driverTrips = AggregationView(
///     "driver_trips", entities: [driver], source: trips,
///     events: [Field("fare", .float64), Field("rating", .int32), Field("payment", .string)],
///     aggregations: [
///         .count("trips_1h", over: .hours(1)),
///         .sum("fare_sum_24h", of: "fare", over: .hours(24)),
///         .min("rating_min_7d", of: "rating", over: .days(7)),
///         .last("last_payment", of: "payment", over: .lifetime),
///     ])
/// ```
public struct AggregationView: Sendable {
    public let name: String
    public let entities: [Entity]
    public let source: Source
    /// The event columns the aggregations read, typed.
    public let events: [Field]
    public let aggregations: [Aggregation]
    public let transform: RowTransform?
    public let tags: [String: String]
    public let owner: String?
    public let description: String
    /// When `larder serve`'s scheduler stores new events (incrementally, like a feature view's rows).
    public let schedule: Schedule?
    /// How far behind its watermark each incremental run re-reads the source (none needed with a `created` column).
    public let allowedLateness: TimeSpan?

    public init(
        _ name: String, entities: [Entity], source: Source, events: [Field], aggregations: [Aggregation],
        transform: RowTransform? = nil, tags: [String: String] = [:], owner: String? = nil, description: String = "",
        schedule: Schedule? = nil, allowedLateness: TimeSpan? = nil
    ) {
        self.name = name
        self.entities = entities
        self.source = source
        self.events = events
        self.aggregations = aggregations
        self.transform = transform
        self.tags = tags
        self.owner = owner
        self.description = description
        self.schedule = schedule
        self.allowedLateness = allowedLateness
    }

    public var joinKeys: [String] { entities.map(\.joinKey) }

    public func aggregation(named name: String) -> Aggregation? { aggregations.first { $0.name == name } }

    /// The event column called `name`, if declared.
    public func event(named name: String) -> Field? { events.first { $0.name == name } }

    /// The type of feature `aggregation`, from its input column's declared type.
    public func outputType(of aggregation: Aggregation) -> Aggregation.OutputType? {
        aggregation.outputType(input: aggregation.column.flatMap { event(named: $0)?.type })
    }

    /// The view's events as the offline store keeps them: a feature view of the same name whose fields are the
    /// event columns (through the transform), stored offline only and never expiring — what `larder materialize`
    /// (and the scheduler, with ``schedule``) writes for this view and what training sets read.
    public var eventsView: FeatureView {
        FeatureView(name, entities: entities, ttl: nil, source: source, fields: events, transform: transform,
                    online: false, offline: true, tags: tags, owner: owner, description: description,
                    schedule: schedule, allowedLateness: allowedLateness)
    }

    /// A selection of this view's features for a ``FeatureService``; no names means all of them.
    public func features(_ names: String...) -> FeatureSelection {
        FeatureSelection(aggregationView: self, features: names.isEmpty ? nil : names)
    }

    /// All features of this view, for a ``FeatureService``.
    public var allFeatures: FeatureSelection { FeatureSelection(aggregationView: self, features: nil) }
}
