import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderOnline
import LarderServer
import LarderTestSupport
import Testing

/// Redis error replies that pass by themselves answer 503 with `Retry-After`, on both lookup paths and
/// for pushes — produced by a real `redis-server` of the test's own.
@Suite("Redis faults answered with 503 and Retry-After")
struct RedisFaultTests {
    static let body = #"{"features":["driver_hourly_stats:conv_rate"],"entities":{"driver_id":[1001]}}"#

    /// Runs `body` through the router and through the event-loop lookup path of one fixture.
    static func onBothPaths(_ fixture: ServerFixture, _ body: @Sendable (String, any TestClientProtocol) async throws -> Void) async throws {
        try await fixture.routerApplication().test(.router) { try await body("router", $0) }
        try await FeatureServer(state: fixture.state).application().test(.live) { try await body("event loop", $0) }
    }

    static func expectUnavailable(_ response: TestResponse, naming reply: String, _ path: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .serviceUnavailable, "\(path): \(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.retryAfter] == "1", "\(path)", sourceLocation: sourceLocation)
        #expect(response.text.contains("\"ONLINE_STORE_UNAVAILABLE\"") && response.text.contains(reply), "\(path): \(response.text)",
                sourceLocation: sourceLocation)
    }

    /// Waits until the server's own `PING` is refused with `reply` (the state the test set up took hold).
    static func waitForReply(_ redis: DisposableRedis, _ reply: String) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            do { try await redis.command("PING") } catch let error as RedisError where error.message.hasPrefix(reply) { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("the server never answered \(reply)")
    }

    @Test("BUSY while a script runs: 503 with Retry-After, then answers again once it is killed")
    func busy() async throws {
        let redis = try await DisposableRedis.start()
        defer { redis.stop() }
        try await redis.command("CONFIG", "SET", "busy-reply-threshold", "5")
        try await withServer(redis: redis.url) { fixture, _ in
            try await Self.onBothPaths(fixture) { path, client in
                #expect(try await client.lookup(Self.body).status == .ok, "\(path)")
                let blocker = RedisClient(url: redis.url, options: .init(connections: 1, commandTimeout: nil))
                defer { blocker.shutdown() }
                let script = Task { try? await blocker.command("EVAL", "while true do end", "0") }
                try await Self.waitForReply(redis, "BUSY")
                Self.expectUnavailable(try await client.lookup(Self.body), naming: "BUSY", path)
                try await redis.command("SCRIPT", "KILL")
                _ = await script.value
                #expect(try await client.lookup(Self.body).status == .ok, "\(path)")
            }
        }
    }

    @Test("LOADING while Redis loads its dataset: 503 with Retry-After, then the rows are served again")
    func loading() async throws {
        let redis = try await DisposableRedis.start()
        defer { redis.stop() }
        try await redis.command("DEBUG", "POPULATE", "20000")
        try await redis.command("CONFIG", "SET", "loading-process-events-interval-bytes", "1024")
        try await withServer(redis: redis.url) { fixture, _ in
            try await Self.onBothPaths(fixture) { path, client in
                #expect(try await client.lookup(Self.body).status == .ok, "\(path)")
                try await redis.command("CONFIG", "SET", "key-load-delay", "100")  // 20,000 keys: about 2 s of loading
                let reloader = RedisClient(url: redis.url, options: .init(connections: 1, commandTimeout: nil))
                defer { reloader.shutdown() }
                let reload = Task { try? await reloader.command("DEBUG", "RELOAD") }
                try await Self.waitForReply(redis, "LOADING")
                Self.expectUnavailable(try await client.lookup(Self.body), naming: "LOADING", path)
                _ = await reload.value
                try await redis.command("CONFIG", "SET", "key-load-delay", "0")
                let answer = try await client.lookup(Self.body)
                #expect(answer.status == .ok && answer.text.contains("0.5"), "\(path): \(answer.text)")
            }
        }
    }

    @Test("MASTERDOWN from a replica cut off from its primary: 503 with Retry-After; REPLICAOF NO ONE serves again")
    func masterDown() async throws {
        let redis = try await DisposableRedis.start()
        defer { redis.stop() }
        try await redis.command("CONFIG", "SET", "replica-serve-stale-data", "no")
        try await withServer(redis: redis.url) { fixture, _ in
            try await Self.onBothPaths(fixture) { path, client in
                #expect(try await client.lookup(Self.body).status == .ok, "\(path)")
                try await redis.command("REPLICAOF", "127.0.0.1", String(try closedLoopbackPort()))
                Self.expectUnavailable(try await client.lookup(Self.body), naming: "MASTERDOWN", path)
                try await redis.command("REPLICAOF", "NO", "ONE")
                #expect(try await client.lookup(Self.body).status == .ok, "\(path)")
            }
        }
    }

    @Test("pushes refused with OOM or READONLY: 503 with Retry-After, and a later push goes through")
    func writesRefused() async throws {
        let redis = try await DisposableRedis.start()
        defer { redis.stop() }
        let server = try PushTests.make(redis: redis.url)
        defer { server.state.client.shutdown(); try? FileManager.default.removeItem(atPath: server.home) }
        try await server.state.reload()
        let push = #"{"feature_view":"driver_stats","to":"online","df":{"driver_id":[7],"event_timestamp":["2026-01-01T00:00:00Z"],"conv_rate":[0.25],"trips":[3]}}"#
        try await Application(router: FeatureServer(state: server.state).router()).test(.router) { client in
            func send() async throws -> TestResponse {
                try await client.execute(uri: "/push", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: push))
            }
            try await redis.command("CONFIG", "SET", "maxmemory", "1")
            Self.expectUnavailable(try await send(), naming: "OOM", "push")
            try await redis.command("CONFIG", "SET", "maxmemory", "0")
            try await redis.command("REPLICAOF", "127.0.0.1", String(try closedLoopbackPort()))
            Self.expectUnavailable(try await send(), naming: "READONLY", "push")
            try await redis.command("REPLICAOF", "NO", "ONE")
            #expect(try await send().status == .ok)
        }
    }
}
