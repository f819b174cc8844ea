public import Larder

/// The registrable description of a ``FeatureRepository``: everything but the transform closures,
/// which are recorded by name and version. This is what a registry version stores (as canonical JSON)
/// and what `larder plan` compares.
public struct RepositorySpec: Codable, Sendable, Equatable {
    public var project: String
    public var entities: [EntitySpec]
    public var sources: [SourceSpec]
    public var views: [ViewSpec]
    public var onDemandViews: [OnDemandViewSpec]
    public var aggregationViews: [AggregationViewSpec]
    public var services: [ServiceSpec]

    public init(project: String, entities: [EntitySpec], sources: [SourceSpec], views: [ViewSpec],
                onDemandViews: [OnDemandViewSpec] = [], aggregationViews: [AggregationViewSpec] = [], services: [ServiceSpec]) {
        self.project = project
        self.entities = entities
        self.sources = sources
        self.views = views
        self.onDemandViews = onDemandViews
        self.aggregationViews = aggregationViews
        self.services = services
    }

    private enum CodingKeys: String, CodingKey { case project, entities, sources, views, onDemandViews, aggregationViews, services }

    // `onDemandViews` and `aggregationViews` are written only when there are some: definitions without them
    // keep the canonical JSON (and so the content hash) they had before those kinds existed, and older
    // registries read as none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        project = try c.decode(String.self, forKey: .project)
        entities = try c.decode([EntitySpec].self, forKey: .entities)
        sources = try c.decode([SourceSpec].self, forKey: .sources)
        views = try c.decode([ViewSpec].self, forKey: .views)
        onDemandViews = try c.decodeIfPresent([OnDemandViewSpec].self, forKey: .onDemandViews) ?? []
        aggregationViews = try c.decodeIfPresent([AggregationViewSpec].self, forKey: .aggregationViews) ?? []
        services = try c.decode([ServiceSpec].self, forKey: .services)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(project, forKey: .project)
        try c.encode(entities, forKey: .entities)
        try c.encode(sources, forKey: .sources)
        try c.encode(views, forKey: .views)
        if !onDemandViews.isEmpty { try c.encode(onDemandViews, forKey: .onDemandViews) }
        if !aggregationViews.isEmpty { try c.encode(aggregationViews, forKey: .aggregationViews) }
        try c.encode(services, forKey: .services)
    }

    public func entity(_ name: String) -> EntitySpec? { entities.first { $0.name == name } }
    public func source(_ name: String) -> SourceSpec? { sources.first { $0.name == name } }
    public func view(_ name: String) -> ViewSpec? { views.first { $0.name == name } }
    public func onDemandView(_ name: String) -> OnDemandViewSpec? { onDemandViews.first { $0.name == name } }
    public func aggregationView(_ name: String) -> AggregationViewSpec? { aggregationViews.first { $0.name == name } }
    public func service(_ name: String) -> ServiceSpec? { services.first { $0.name == name } }
}

/// A registered entity.
public struct EntitySpec: Codable, Sendable, Equatable {
    public var name: String
    public var joinKey: String
    public var keyType: ValueType
    public var description: String
    public var owner: String?
    public var tags: [String: String]
}

/// A registered source. `kind` is `csv`, `parquet` or `sqlite`; `table` is set for SQLite only.
public struct SourceSpec: Codable, Sendable, Equatable {
    public var name: String
    public var kind: String
    public var path: String
    public var table: String?
    public var eventTimestampColumn: String
    public var createdTimestampColumn: String?
    public var description: String
}

/// A registered feature field.
public struct FieldSpec: Codable, Sendable, Equatable {
    public var name: String
    public var type: ValueType
    public var nullable: Bool
    public var description: String
}

/// A registered feature view. Durations are in microseconds; the transform is `name@version`.
public struct ViewSpec: Codable, Sendable, Equatable {
    public var name: String
    public var entities: [String]
    public var ttlMicroseconds: Int64?
    public var source: String
    public var fields: [FieldSpec]
    public var transform: String?
    public var online: Bool
    public var offline: Bool
    public var tags: [String: String]
    public var owner: String?
    public var description: String
    public var schedule: String?
    /// The view's ``FeatureView/allowedLateness`` (stored under its former name, so registries written before the
    /// rename read the same and hash the same).
    public var lookbackMicroseconds: Int64?
    /// The view's data quality expectations (written only when there are some: see `ViewSpec+Coding.swift`).
    public var expectations: [ExpectationSpec] = []

    public var ttl: TimeSpan? { ttlMicroseconds.map(TimeSpan.init(microseconds:)) }
    public func field(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }
}

/// A registered feature service: an ordered list of `view:feature` references.
public struct ServiceSpec: Codable, Sendable, Equatable {
    public var name: String
    public var features: [FeatureReference]
    public var description: String
    public var owner: String?
    public var tags: [String: String]
}

/// A `view:feature` reference, the form Feast clients and `--features` use.
public struct FeatureReference: Codable, Sendable, Hashable, CustomStringConvertible {
    public var view: String
    public var feature: String

    public init(view: String, feature: String) {
        self.view = view
        self.feature = feature
    }

    /// Reads `view:feature`; `nil` when the text has no single colon between two names.
    public init?(parsing text: some StringProtocol) {
        self.init(parsing: String(text))
    }

    /// Reads `view:feature` from a `String` (no generic dispatch across modules on the lookup path).
    public init?(parsing text: String) {
        // Scans UTF-8 bytes, not Characters: this runs for every feature of every online lookup.
        let utf8 = text.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let view = utf8[..<colon]
        let feature = utf8[utf8.index(after: colon)...]
        guard !view.isEmpty, !feature.isEmpty, !feature.contains(UInt8(ascii: ":")) else { return nil }
        self.init(view: String(decoding: view, as: UTF8.self), feature: String(decoding: feature, as: UTF8.self))
    }

    public var description: String { "\(view):\(feature)" }
}
