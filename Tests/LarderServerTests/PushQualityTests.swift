import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderOffline
import LarderOnline
import LarderQuality
import LarderRegistry
import LarderServer
import LarderTestSupport
import Testing

@Suite("POST /push with expectations")
struct PushQualityTests {
    /// A pushed driver view whose transform doubles conv_rate, checked after it: conv_rate in [0, 1] must hold (fail),
    /// trips at most 10 should (warn).
    static func make() throws -> (state: ServerState, buffer: OfflinePushBuffer, store: OfflineStore, home: String) {
        let home = try temporaryDirectory()
        let doubled = RowTransform("double_rate", version: 1) { row in
            if let r = row.double("conv_rate") { row["conv_rate"] = .float32(Float(r * 2)) }
        }
        let driver = Entity("driver", joinKey: "driver_id", type: .int64)
        let source = Source.parquet("driver_push", path: "unused.parquet")
        let view = FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: source,
                               fields: [Field("conv_rate", .float32), Field("trips", .int32, nullable: false)], transform: doubled,
                               expectations: [.between("conv_rate", 0, 1), .atMost("trips", 10, severity: .warn)])
        let repository = FeatureRepository(project: uniqueProject(), entities: [driver], sources: [source], views: [view],
                                           services: [FeatureService("s", features: [view.allFeatures])])
        let registry = try Registry(home: home)
        _ = try registry.apply(RepositorySpec(repository), allowBreaking: false)
        let store = try OfflineStore(home: home, database: registry.database)
        let buffer = OfflinePushBuffer(store: store, jobs: try JobLog(database: registry.database), maxRows: 1000)
        let client = RedisClient(url: try PrivateRedis.url(), options: .init(connections: 1))
        let state = ServerState(registry: registry, client: client, configuration: ServerConfiguration(), repository: repository, pushBuffer: buffer)
        return (state, buffer, store, home)
    }

    private func push(_ client: some TestClientProtocol, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: "/push", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }

    private func lookup(_ client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/get-online-features", method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(string: #"{"features":["driver_stats:conv_rate"],"entities":{"driver_id":[7]}}"#)).text
    }

    @Test("a batch failing a fail expectation is refused with 400 EXPECTATION_FAILED and writes nothing; a warn passes")
    func refused() async throws {
        let server = try Self.make()
        defer { server.state.client.shutdown(); try? FileManager.default.removeItem(atPath: server.home) }
        try await server.state.reload()
        let t = Timestamp.now().adding(.hours(-1)).iso8601(fractionalDigits: 0)
        let app = Application(router: FeatureServer(state: server.state).router())
        try await app.test(.router) { client in
            // 0.3 doubles to 0.6 (passes); 0.6 doubles to 1.2 (fails after the transform).
            let bad = try await push(client, #"{"feature_view":"driver_stats","df":{"driver_id":[7,8],"event_timestamp":["\#(t)","\#(t)"],"conv_rate":[0.3,0.6],"trips":[1,2]},"to":"online_and_offline"}"#)
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("EXPECTATION_FAILED"), "\(bad.text)")
            #expect(bad.text.contains("between(conv_rate, 0, 1) [fail] failed on 1 of 2 rows"), "\(bad.text)")
            #expect(bad.text.contains("driver_id=8"), "the example names the failing row: \(bad.text)")
            #expect(bad.text.contains("larder quality --job"), "the answer names the push job: \(bad.text)")
            #expect(try await lookup(client).contains("NOT_FOUND"), "nothing was written online")
            #expect(try server.store.read(view: "driver_stats", columns: nil) == nil, "nothing was stored offline")
            #expect(await server.buffer.pendingRows.isEmpty)

            let warned = try await push(client, #"{"feature_view":"driver_stats","df":{"driver_id":[7],"event_timestamp":["\#(t)"],"conv_rate":[0.3],"trips":[50]},"to":"online"}"#)
            #expect(warned.status == .ok, "a failed warn expectation does not refuse the push: \(warned.text)")
            #expect(try await lookup(client).contains(#""values":[0.6"#))
        }
        // Each push that failed something is a push job of its own, with its results.
        let jobs = try JobLog(database: server.state.registry.database).list()
        #expect(jobs.map(\.trigger) == ["push", "push"])
        #expect(jobs.map(\.status) == [.succeeded, .failed])
        #expect(jobs[1].error?.contains("between(conv_rate, 0, 1) [fail] failed on 1 of 2 rows") == true)
        #expect(jobs[0].note == "driver_stats: push with 1 expectation warning (between(trips, -inf, 10) on 1 rows)")
        let quality = QualityLog(database: server.state.registry.database)
        #expect(try quality.results(jobID: jobs[1].id).map(\.result.passed) == [false, true])
        #expect(try quality.results(jobID: jobs[0].id).map(\.result.passed) == [true, false])
        #expect(try quality.results(view: "driver_stats").map(\.jobID) == [jobs[0].id, jobs[0].id])
    }

    @Test("a push that passes every expectation records no job")
    func cleanPushRecordsNothing() async throws {
        let server = try Self.make()
        defer { server.state.client.shutdown(); try? FileManager.default.removeItem(atPath: server.home) }
        try await server.state.reload()
        let t = Timestamp.now().adding(.hours(-1)).iso8601(fractionalDigits: 0)
        let app = Application(router: FeatureServer(state: server.state).router())
        try await app.test(.router) { client in
            let ok = try await push(client, #"{"feature_view":"driver_stats","df":{"driver_id":[7],"event_timestamp":["\#(t)"],"conv_rate":[0.3],"trips":[1]},"to":"online"}"#)
            #expect(ok.status == .ok)
        }
        #expect(try JobLog(database: server.state.registry.database).list().isEmpty)
    }
}
