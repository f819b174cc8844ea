public import Larder
public import LarderRegistry

/// An online lookup as Feast's `get-online-features` defines it: features (or a service) for columns
/// of entity keys. Shared by `POST /get-online-features`, `POST /predict` and `larder lookup`, so every
/// path validates and answers the same way.
///
/// ```swift
/// let lookup = OnlineLookup(spec: registered.spec, store: store)
/// let result = try await lookup.run(OnlineLookup.Query(features: .service("rides"),
///     entities: ["driver_id": [.int64(1001)], "customer_id": [.int64(5)]]), now: .now())
/// ```
public struct OnlineLookup: Sendable {
    public let spec: RepositorySpec
    public let store: RedisOnlineStore

    /// Each online view's key layout, built once per registry version rather than once per request.
    private let layouts: [String: OnlineViewLayout]

    public init(spec: RepositorySpec, store: RedisOnlineStore) {
        self.spec = spec
        self.store = store
        var layouts: [String: OnlineViewLayout] = [:]
        for view in spec.views where view.online { layouts[view.name] = Self.layout(of: view, in: spec) }
        self.layouts = layouts
    }

    /// What to look up.
    public struct Query: Sendable {
        public enum Features: Sendable { case references([String]), service(String) }
        public var features: Features
        /// Join key name → one value per entity row.
        public var entities: [(name: String, values: [Value])]
        public var fullFeatureNames: Bool

        public init(features: Features, entities: [(name: String, values: [Value])], fullFeatureNames: Bool = false) {
            self.features = features
            self.entities = entities
            self.fullFeatureNames = fullFeatureNames
        }
    }

    /// Column-major answer: the join key columns, then one column per feature in request order.
    public struct Result: Sendable {
        public var featureNames: [String]
        public var columns: [Column]
        public var rowCount: Int

        public struct Column: Sendable {
            public var values: [Value]
            public var statuses: [OnlineFeatureStatus]
            public var eventTimes: [Timestamp?]
        }
    }

    /// The features a query asks for, checked against the registry.
    public func resolve(_ features: Query.Features) throws(LookupError) -> [FeatureReference] {
        let references: [FeatureReference]
        switch features {
        case .service(let name):
            guard let service = spec.service(name) else {
                throw LookupError(.unknownService, "unknown feature service \"\(name)\"; services: \(spec.services.map(\.name).joined(separator: ", "))")
            }
            references = service.features
        case .references(let texts):
            guard !texts.isEmpty else { throw LookupError(.invalidRequest, "\"features\" is empty: name at least one view:feature") }
            references = try texts.map { text throws(LookupError) in
                guard let reference = FeatureReference(parsing: text) else {
                    throw LookupError(.invalidFeature, "\"\(text)\" is not a feature reference; write view:feature, e.g. driver_stats:conv_rate")
                }
                return reference
            }
        }
        for reference in references {
            guard let view = spec.view(reference.view) else {
                throw LookupError(.unknownView, "unknown feature view \"\(reference.view)\" in \"\(reference)\"; views: \(spec.views.map(\.name).joined(separator: ", "))")
            }
            guard view.field(reference.feature) != nil else {
                throw LookupError(.unknownFeature, "view \(view.name) has no feature \"\(reference.feature)\"; it has \(view.fields.map(\.name).joined(separator: ", "))")
            }
            guard view.online else { throw LookupError(.unknownView, "view \(view.name) is not served online (online: false)") }
        }
        return references
    }

    public func layout(of view: ViewSpec) -> OnlineViewLayout {
        layouts[view.name] ?? Self.layout(of: view, in: spec)
    }

    private static func layout(of view: ViewSpec, in spec: RepositorySpec) -> OnlineViewLayout {
        OnlineViewLayout(project: spec.project, view: view.name, joinKeys: view.entities.compactMap { spec.entity($0)?.joinKey },
                         features: view.fields.map { (name: $0.name, type: $0.type) }, ttl: view.ttl, keyExpiry: false)
    }

    public func run(_ query: Query, now: Timestamp, maxRows: Int = .max) async throws -> Result {
        let references = try resolve(query.features)
        var columnsByKey: [String: [Value]] = [:]
        for (name, values) in query.entities {
            guard columnsByKey[name] == nil else { throw LookupError(.invalidEntities, "join key \(name) is given twice") }
            columnsByKey[name] = values
        }
        let rowCount = query.entities.first?.values.count ?? 0
        for (name, values) in query.entities where values.count != rowCount {
            throw LookupError(.invalidEntities, "entity columns have different lengths: \(query.entities[0].name) has \(rowCount) values, \(name) has \(values.count) values")
        }
        guard rowCount > 0 else { throw LookupError(.invalidEntities, "\"entities\" holds no rows: give each join key a list of values") }
        guard rowCount <= maxRows else { throw LookupError(.tooManyRows, "\(rowCount) entity rows exceed the limit of \(maxRows) per request; split the request") }

        var viewOrder: [String] = []
        var featuresByView: [String: [String]] = [:]
        for reference in references {
            if featuresByView[reference.view] == nil { viewOrder.append(reference.view) }
            featuresByView[reference.view, default: []].append(reference.feature)
        }
        var neededKeys = Set<String>()
        var requests: [OnlineReadRequest] = []
        for name in viewOrder {
            let view = spec.view(name)!
            let layout = layout(of: view)
            var keyColumns: [[Value]] = []
            for (key, entityName) in zip(layout.joinKeys, view.entities) {
                neededKeys.insert(key)
                guard let column = columnsByKey[key] else {
                    throw LookupError(.missingJoinKey, "join key \(key) is missing from \"entities\"; view \(name) needs \(layout.joinKeys.joined(separator: ", "))")
                }
                let type = spec.entity(entityName)?.keyType ?? .int64
                keyColumns.append(try column.enumerated().map { row, value throws(LookupError) in
                    try Self.checkKey(value, type: type, key: key, row: row)
                })
            }
            let keys = (0..<rowCount).map { row in keyColumns.map { $0[row] } }
            requests.append(OnlineReadRequest(layout: layout, features: featuresByView[name]!, entityKeys: keys))
        }
        for (name, _) in query.entities where !neededKeys.contains(name) {
            throw LookupError(.extraJoinKey, "\"entities\" has \(name), which none of the requested views joins on (they use \(neededKeys.sorted().joined(separator: ", ")))")
        }
        let answers = try await store.read(requests, now: now)
        return assemble(query: query, references: references, viewOrder: viewOrder, requests: requests, answers: answers, rowCount: rowCount)
    }

    private func assemble(query: Query, references: [FeatureReference], viewOrder: [String], requests: [OnlineReadRequest],
                          answers: [[OnlineFeatureRow]], rowCount: Int) -> Result {
        var names: [String] = []
        var columns: [Result.Column] = []
        for (name, values) in query.entities {
            names.append(name)
            columns.append(Result.Column(values: values, statuses: Array(repeating: .present, count: rowCount),
                                         eventTimes: Array(repeating: nil, count: rowCount)))
        }
        var shared: [String: Int] = [:]
        for reference in references { shared[reference.feature, default: 0] += 1 }
        for reference in references {
            let v = viewOrder.firstIndex(of: reference.view)!
            let f = requests[v].features.firstIndex(of: reference.feature)!
            let rows = answers[v]
            let full = query.fullFeatureNames || (shared[reference.feature] ?? 0) > 1
            names.append(full ? "\(reference.view)__\(reference.feature)" : reference.feature)
            columns.append(Result.Column(values: rows.map { $0.values[f] }, statuses: rows.map { $0.statuses[f] },
                                         eventTimes: rows.map(\.eventTime)))
        }
        return Result(featureNames: names, columns: columns, rowCount: rowCount)
    }

    static func checkKey(_ value: Value, type: ValueType, key: String, row: Int) throws(LookupError) -> Value {
        switch (value, type) {
        case (.int64, .int64), (.string, .string): return value
        case (.int64(let v), .int32):
            guard let narrow = Int32(exactly: v) else { break }
            return .int32(narrow)
        case (.int32(let v), .int64): return .int64(Int64(v))
        case (.int32, .int32): return value
        default: break
        }
        throw LookupError(.invalidEntityValue, "value \(value) at position \(row) of join key \(key) is not \(type == .string ? "a string" : "an integer") (\(key) is \(type))")
    }
}

/// A lookup request that cannot be answered as asked; `code` is stable for clients.
public struct LookupError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidRequest = "INVALID_REQUEST"
        case invalidFeature = "INVALID_FEATURE_REFERENCE"
        case unknownService = "UNKNOWN_FEATURE_SERVICE"
        case unknownView = "UNKNOWN_FEATURE_VIEW"
        case unknownFeature = "UNKNOWN_FEATURE"
        case missingJoinKey = "MISSING_JOIN_KEY"
        case extraJoinKey = "UNEXPECTED_JOIN_KEY"
        case invalidEntities = "INVALID_ENTITIES"
        case invalidEntityValue = "INVALID_ENTITY_VALUE"
        case tooManyRows = "TOO_MANY_ROWS"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
