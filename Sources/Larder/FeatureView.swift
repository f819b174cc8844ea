/// A named group of typed features about one or more entities, read from a ``Source``.
///
/// ```swift
/// public let driverStats = FeatureView(
///     "driver_stats", entities: [driver], ttl: .days(1), source: driverStatsSource,
///     fields: [
///         Field("conv_rate", .float32),
///         Field("acc_rate", .float32),
///         Field("avg_daily_trips", .int32),
///     ],
///     owner: "ml-platform", description: "Hourly driver quality statistics")
/// ```
public struct FeatureView: Sendable {
    public let name: String
    public let entities: [Entity]
    /// How long a value stays valid after its event time; `nil` means forever. Applied by the
    /// point-in-time join and by online lookups alike.
    public let ttl: TimeSpan?
    public let source: Source
    public let fields: [Field]
    public let transform: RowTransform?
    /// Whether materialization writes the view to the online store (Redis).
    public let online: Bool
    /// Whether materialization writes the view to the offline store (Parquet).
    public let offline: Bool
    public let tags: [String: String]
    public let owner: String?
    public let description: String
    public let schedule: Schedule?
    /// How far back each incremental run re-reads to pick up late data.
    public let lookback: TimeSpan?

    public init(
        _ name: String, entities: [Entity], ttl: TimeSpan?, source: Source, fields: [Field],
        transform: RowTransform? = nil, online: Bool = true, offline: Bool = true,
        tags: [String: String] = [:], owner: String? = nil, description: String = "",
        schedule: Schedule? = nil, lookback: TimeSpan? = nil
    ) {
        self.name = name
        self.entities = entities
        self.ttl = ttl
        self.source = source
        self.fields = fields
        self.transform = transform
        self.online = online
        self.offline = offline
        self.tags = tags
        self.owner = owner
        self.description = description
        self.schedule = schedule
        self.lookback = lookback
    }

    /// The join keys of the view's entities, in declaration order.
    public var joinKeys: [String] { entities.map(\.joinKey) }

    /// The field called `name`, if the view has one.
    public func field(named name: String) -> Field? { fields.first { $0.name == name } }

    /// A selection of this view's features for a ``FeatureService``; no names means all of them.
    public func features(_ names: String...) -> FeatureSelection {
        FeatureSelection(view: self, features: names.isEmpty ? nil : names)
    }

    /// All features of this view, for a ``FeatureService``.
    public var allFeatures: FeatureSelection { FeatureSelection(view: self, features: nil) }
}
