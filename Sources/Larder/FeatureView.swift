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
///     owner: "ml-platform", description: "Hourly driver quality statistics",
///     expectations: [.between("conv_rate", 0, 1, severity: .warn), .notNull("avg_daily_trips")])
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
    /// How far behind its watermark each incremental run re-reads the source (replacing that interval), to
    /// take rows that land late. A source with a `created` column needs none: rows created since the last
    /// run are taken whatever their event time. Declare it for sources without one.
    public let allowedLateness: TimeSpan?
    /// Data quality rules checked on every materialization and push batch before anything is committed
    /// (see ``QualityExpectation``).
    public let expectations: [QualityExpectation]

    /// The former name of ``allowedLateness``.
    @available(*, deprecated, renamed: "allowedLateness")
    public var lookback: TimeSpan? { allowedLateness }

    public init(
        _ name: String, entities: [Entity], ttl: TimeSpan?, source: Source, fields: [Field],
        transform: RowTransform? = nil, online: Bool = true, offline: Bool = true,
        tags: [String: String] = [:], owner: String? = nil, description: String = "",
        schedule: Schedule? = nil, allowedLateness: TimeSpan? = nil, expectations: [QualityExpectation] = []
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
        self.allowedLateness = allowedLateness
        self.expectations = expectations
    }

    /// Definitions written before `lookback` was renamed ``allowedLateness`` keep compiling.
    @available(*, deprecated, renamed: "init(_:entities:ttl:source:fields:transform:online:offline:tags:owner:description:schedule:allowedLateness:)")
    public init(
        _ name: String, entities: [Entity], ttl: TimeSpan?, source: Source, fields: [Field],
        transform: RowTransform? = nil, online: Bool = true, offline: Bool = true,
        tags: [String: String] = [:], owner: String? = nil, description: String = "",
        schedule: Schedule? = nil, lookback: TimeSpan?
    ) {
        self.init(name, entities: entities, ttl: ttl, source: source, fields: fields, transform: transform, online: online,
                  offline: offline, tags: tags, owner: owner, description: description, schedule: schedule, allowedLateness: lookback)
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
