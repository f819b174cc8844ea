import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderOffline
import LarderOnline
import LarderRegistry
import LarderServer
import LarderTestSupport
import Testing

/// A server whose every route can answer its own success — compiled definitions for `/push`, a
/// materializer over a CSV source for `/materialize`, a recorded job for `GET /jobs/1` — with three tokens,
/// one of each scope: `reader`, `writer`, `admin`.
struct AuthFixture: Sendable {
    let home: String
    let registry: Registry
    let client: RedisClient
    let state: ServerState
    let tokens: AccessTokenStore
    /// `Authorization` values by token name.
    let bearer: [String: String]

    static func make(configuration: ServerConfiguration = ServerConfiguration(), withTokens: Bool = true) async throws -> AuthFixture {
        let home = try temporaryDirectory()
        let data = home + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try "driver_id,event_timestamp,created,conv_rate\n1001,2026-01-01T01:00:00Z,2026-01-01T01:01:00Z,0.5\n"
            .write(toFile: data + "/drivers.csv", atomically: true, encoding: .utf8)
        let driver = Entity("driver", joinKey: "driver_id", type: .int64)
        let source = Source.csv("drivers", path: "drivers.csv")
        let view = FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: source, fields: [Field("conv_rate", .float32)])
        let repository = FeatureRepository(project: uniqueProject(), entities: [driver], sources: [source], views: [view],
                                           services: [FeatureService("s", features: [view.allFeatures])])
        let registry = try Registry(home: home)
        _ = try registry.apply(RepositorySpec(repository), allowBreaking: false)
        let jobs = try JobLog(database: registry.database)
        _ = try jobs.start(trigger: "test", views: ["driver_stats"], interval: EventInterval(start: .init(microsecondsSinceEpoch: 0), end: .init(microsecondsSinceEpoch: 1)))
        let materializer = try Materializer(repository: repository, home: home, dataDirectory: data)
        let buffer = OfflinePushBuffer(store: try OfflineStore(home: home, database: registry.database), jobs: jobs)
        let client = RedisClient(url: try PrivateRedis.url(), options: .init(connections: 1, connectTimeout: .seconds(2), commandTimeout: .seconds(5)))
        let state = ServerState(registry: registry, client: client, configuration: configuration, repository: repository,
                                pushBuffer: buffer, materializer: materializer)
        let tokens = AccessTokenStore(database: registry.database)
        var bearer: [String: String] = [:]
        if withTokens {
            for scope in AccessTokenScope.allCases {
                let name = ["read": "reader", "write": "writer", "admin": "admin"][scope.rawValue]!
                bearer[name] = "Bearer " + (try tokens.create(name: name, scope: scope).1.text)
            }
        }
        try await state.reload()
        return AuthFixture(home: home, registry: registry, client: client, state: state, tokens: tokens, bearer: bearer)
    }

    /// Waits (up to 30 s) for the materializations requests started: they run on threads of their own, and
    /// the next one of a view answers 409 while one runs.
    func materializationsFinished() async throws {
        let jobs = try JobLog(database: registry.database)
        for _ in 0..<300 {
            guard try jobs.list().contains(where: { $0.status == .running && $0.trigger == "http" }) else { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits for the materializations, then removes the state.
    func tearDown() async throws {
        try await materializationsFinished()
        client.shutdown()
        try? FileManager.default.removeItem(atPath: home)
    }
}

/// A route behind a token: its scope, a request it answers, and that answer's status.
struct ProtectedRoute: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    var uri: String
    var body: String?
    var scope: AccessTokenScope
    /// The status with a token of `scope` or larger: the route's own answer.
    var answered: HTTPResponse.Status

    var testDescription: String { "\(method) \(uri)" }

    static let lookup = #"{"features": ["driver_stats:conv_rate"], "entities": {"driver_id": [1001]}}"#

    /// Every route but `/health` and `/ready`.
    static let all: [ProtectedRoute] = [
        ProtectedRoute(method: .get, uri: "/metrics", scope: .read, answered: .ok),
        ProtectedRoute(method: .post, uri: "/get-online-features", body: lookup, scope: .read, answered: .ok),
        // No model is registered: the 404 is the route's own answer, given once the token is accepted.
        ProtectedRoute(method: .post, uri: "/predict", body: #"{"model": "nope", "entities": {"driver_id": [1001]}}"#, scope: .read, answered: .notFound),
        ProtectedRoute(method: .get, uri: "/jobs/1", scope: .read, answered: .ok),
        ProtectedRoute(method: .post, uri: "/push", body: #"{"feature_view": "driver_stats", "df": {"driver_id": [1001], "event_timestamp": ["2026-01-01T02:00:00Z"], "conv_rate": [0.25]}}"#,
                       scope: .write, answered: .ok),
        ProtectedRoute(method: .post, uri: "/materialize", body: #"{"start_ts": "2026-01-01T00:00:00Z", "end_ts": "2026-01-02T00:00:00Z"}"#,
                       scope: .admin, answered: .accepted),
        ProtectedRoute(method: .post, uri: "/materialize-incremental", body: #"{"end_ts": "2026-01-02T00:00:00Z"}"#, scope: .admin, answered: .accepted),
        ProtectedRoute(method: .post, uri: "/reload", body: "{}", scope: .admin, answered: .ok),
    ]
}

extension TestClientProtocol {
    /// The route's request, with `authorization` as the `Authorization` header when given.
    func send(_ route: ProtectedRoute, authorization: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if route.body != nil { headers[.contentType] = "application/json" }
        if let authorization { headers[.authorization] = authorization }
        return try await execute(uri: route.uri, method: route.method, headers: headers, body: route.body.map { ByteBuffer(string: $0) })
    }
}
