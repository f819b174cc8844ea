public import Larder
public import LarderRegistry
public import NIOCore

/// An online lookup as Feast's `get-online-features` defines it: features (or a service) for columns
/// of entity keys. Shared by `POST /get-online-features`, `POST /predict` and `larder lookup`, so every
/// path validates and answers the same way.
///
/// On-demand views (``OnDemandView``) are computed from the lookup's rows after the Redis round trip:
/// their request values come from extra keys of `entities` or from `requestContext`, and the compiled
/// code must be the registered one (same `name@version`, same declaration).
///
/// ```swift
/// let lookup = OnlineLookup(spec: registered.spec, store: store, onDemandViews: repository.onDemandViews)
/// let result = try await lookup.run(OnlineLookup.Query(features: .service("rides"),
///     entities: ["driver_id": [.int64(1001)], "customer_id": [.int64(5)]]), now: .now())
/// ```
public struct OnlineLookup: Sendable {
    public let spec: RepositorySpec
    public let store: RedisOnlineStore
    /// The compiled on-demand views by name (the code the registry only names).
    let onDemandViews: [String: OnDemandView]

    /// Each online view's key layout, built once per registry version rather than once per request.
    private let layouts: [String: OnlineViewLayout]
    /// Each aggregation view's tile layout (absent when this larder cannot read the registered one).
    let aggregateLayouts: [String: AggregateTileLayout]
    private let shapes = OnlineLookupShape.Cache()

    public init(spec: RepositorySpec, store: RedisOnlineStore, onDemandViews: [OnDemandView] = []) {
        self.spec = spec
        self.store = store
        self.onDemandViews = Dictionary(onDemandViews.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var layouts: [String: OnlineViewLayout] = [:]
        for view in spec.views where view.online { layouts[view.name] = Self.layout(of: view, in: spec) }
        self.layouts = layouts
        var aggregateLayouts: [String: AggregateTileLayout] = [:]
        for view in spec.aggregationViews {
            let joinKeys = view.entities.compactMap { spec.entity($0)?.joinKey }
            aggregateLayouts[view.name] = try? AggregateTileLayout(spec: view, joinKeys: joinKeys, project: spec.project)
        }
        self.aggregateLayouts = aggregateLayouts
    }

    /// What to look up.
    public struct Query: Sendable {
        public enum Features: Sendable, Hashable { case references([String]), service(String) }
        public var features: Features
        /// Join key name → one value per entity row; request fields of on-demand views may be given here too.
        public var entities: [(name: String, values: [Value])]
        public var fullFeatureNames: Bool
        /// Request field name → one value per entity row (Feast's `request_context`).
        public var requestContext: [(name: String, values: [Value])]

        public init(features: Features, entities: [(name: String, values: [Value])], fullFeatureNames: Bool = false,
                    requestContext: [(name: String, values: [Value])] = []) {
            self.features = features
            self.entities = entities
            self.fullFeatureNames = fullFeatureNames
            self.requestContext = requestContext
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
                if let onDemand = spec.onDemandView(reference.view) {
                    guard onDemand.output(reference.feature) != nil else {
                        throw LookupError(.unknownFeature, "on-demand view \(onDemand.name) has no output \"\(reference.feature)\"; it has \(onDemand.outputs.map(\.name).joined(separator: ", "))")
                    }
                    continue
                }
                if let aggregation = spec.aggregationView(reference.view) {
                    guard let feature = aggregation.aggregation(reference.feature) else {
                        throw LookupError(.unknownFeature, "aggregation view \(aggregation.name) has no feature \"\(reference.feature)\"; it has \(aggregation.aggregations.map(\.name).joined(separator: ", "))")
                    }
                    guard let layout = aggregateLayouts[aggregation.name], let member = layout.member(named: feature.name) else {
                        throw LookupError(.notServedOnline, "aggregation view \(aggregation.name) cannot be read online by this larder (its registered aggregations are unknown to it); upgrade larder")
                    }
                    if case .list = layout.aggregations[member].outputType {
                        throw LookupError(.notServedOnline, "\(reference) is a list (\(feature.operationDescription)), which lookups do not serve yet; build it in a training set (larder training-set), or leave it out of the lookup")
                    }
                    continue
                }
                throw LookupError(.unknownView, "unknown feature view \"\(reference.view)\" in \"\(reference)\"; views: \((spec.views.map(\.name) + spec.onDemandViews.map(\.name) + spec.aggregationViews.map(\.name)).joined(separator: ", "))")
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
        let prepared = try prepare(query, now: now, maxRows: maxRows)
        return try await withCheckedThrowingContinuation { continuation in
            prepared.send { continuation.resume(with: $0) }
        }
    }

    /// Checks a query against the registry and encodes its Redis reads, without sending them: every
    /// error a lookup can report about its input is thrown here. Problems with the features or the join
    /// key names are reported before problems with the key values.
    public func prepare(_ query: Query, now: Timestamp, maxRows: Int = .max) throws -> Prepared {
        let key = OnlineLookupShape.Key(features: query.features, keyNames: query.entities.map(\.name), fullFeatureNames: query.fullFeatureNames,
                                        contextNames: query.requestContext.map(\.name))
        let shape = try shapes.shape(key) { try OnlineLookupShape(key, lookup: self) }
        let rowCount = query.entities.first?.values.count ?? 0
        for (name, values) in query.entities where values.count != rowCount {
            throw LookupError(.invalidEntities, "entity columns have different lengths: \(query.entities[0].name) has \(rowCount) values, \(name) has \(values.count) values")
        }
        guard rowCount > 0 else { throw LookupError(.invalidEntities, "\"entities\" holds no rows: give each join key a list of values") }
        guard rowCount <= maxRows else { throw LookupError(.tooManyRows, "\(rowCount) entity rows exceed the limit of \(maxRows) per request; split the request") }
        let plan = try OnlineReadPlan(shape: shape, entities: query.entities, rowCount: rowCount, now: now)
        let requestValues = shape.onDemand.isEmpty ? [] : try shape.onDemand.map { view throws(LookupError) in
            try view.requestColumns(entities: query.entities, context: query.requestContext, rowCount: rowCount)
        }
        return Prepared(shape: shape, entities: query.entities, plan: plan, rowCount: rowCount, client: store.client,
                        requestValues: requestValues)
    }

    /// A checked lookup with its encoded Redis reads, from ``prepare(_:now:maxRows:)``.
    public struct Prepared: Sendable {
        let shape: OnlineLookupShape
        let entities: [(name: String, values: [Value])]
        let plan: OnlineReadPlan
        /// Entity rows asked for.
        public let rowCount: Int
        /// The Redis commands the lookup sends, by name, in order (one per entity row and view read).
        public var commandNames: [String] { (0..<plan.pipeline.count).map { plan.pipeline.commandName(at: $0) } }
        let client: RedisClient
        /// Per on-demand view of the shape, its request fields' typed values.
        let requestValues: [[String: OnDemandColumn]]

        /// Sends the reads in one round trip and calls `completion` with the answer on the Redis
        /// connection's thread (replies are decoded where they arrive): callers that are not async, e.g.
        /// a NIO channel handler, hop back to their own executor from there.
        public func send(_ completion: @escaping @Sendable (Swift.Result<Result, any Error>) -> Void) {
            guard plan.commandCount > 0 else { return completion(Swift.Result { try assemble([]) }) }
            // HMGET only reads, so resending after a lost connection is safe.
            client.submit(plan.pipeline, retry: .idempotent, decode: { replies in try result(from: replies) }, completion: completion)
        }

        /// Sends the reads through `loop`'s own Redis connection and calls `completion` on `loop`, with no
        /// thread in between; from a loop outside the connections' group, through the pooled client.
        public func send(over connections: RedisLoopConnections, on loop: any EventLoop,
                         _ completion: @escaping @Sendable (Swift.Result<Result, any Error>) -> Void) {
            guard plan.commandCount > 0 else { return completion(Swift.Result { try assemble([]) }) }
            let sent = connections.submit(plan.pipeline, mayRetry: true, on: loop) { outcome in
                switch outcome {
                case .success(let replies): completion(Swift.Result { try result(from: replies) })
                case .failure(let error): completion(.failure(error))
                }
            }
            if !sent { send { outcome in loop.execute { completion(outcome) } } }
        }

        func result(from replies: RedisReplies) throws -> Result {
            try assemble(try plan.decode(replies))
        }

        /// The result from the views' decoded rows, with on-demand views computed from them (their outputs
        /// follow the feature views' rows). Throws ``OnDemandError`` when an on-demand view's code fails.
        func assemble(_ views: [OnlineViewRows]) throws(OnDemandError) -> Result {
            var views = views
            for (view, request) in zip(shape.onDemand, requestValues) {
                views.append(try view.compute(request: request, views: views, rowCount: rowCount))
            }
            return Result(featureNames: shape.featureNames, rowCount: rowCount, keyColumns: entities, views: views,
                          sources: shape.columns)
        }
    }

    static func checkKey(_ value: Value, type: ValueType, key: String, row: Int) throws(LookupError) -> Value {
        switch (value, type) {
        case (.int64, .int64), (.string, .string): return value
        case (.int64(let v), .int32):
            guard let narrow = Int32(exactly: v) else { break }
            return .int32(narrow)
        case (.int32(let v), .int64): return .int64(Int64(v))
        case (.int32, .int32): return value
        case (.float64, _), (.float32, _), (.bool, _):
            throw LookupError(.invalidRequest, "entities.\(key)[\(row)]: a join key value must be an integer or a string")
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
        case missingRequestField = "MISSING_REQUEST_FIELD"
        case extraRequestField = "UNEXPECTED_REQUEST_FIELD"
        case invalidRequestValue = "INVALID_REQUEST_VALUE"
        /// The server's compiled on-demand code is missing or differs from the registered version.
        case onDemandUnavailable = "ON_DEMAND_UNAVAILABLE"
        /// Features of a kind lookups cannot answer yet (window aggregates).
        case notServedOnline = "NOT_SERVED_ONLINE"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
