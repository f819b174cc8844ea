import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderColumnar
import LarderOffline
import LarderOnline
import LarderRegistry
import LarderServer
import LarderTestSupport
import Testing

@Suite("POST /push")
struct PushTests {
    /// A server whose state links compiled definitions (for transforms) and an offline push buffer.
    struct PushServer {
        let repository: FeatureRepository
        let state: ServerState
        let buffer: OfflinePushBuffer
        let store: OfflineStore
        let home: String
    }

    /// The server's Redis is the private test server unless `redis` names another.
    static func make(redis: RedisURL? = nil) throws -> PushServer {
        let project = uniqueProject()
        let home = try temporaryDirectory()
        let doubled = RowTransform("double_rate", version: 1) { row in
            if let r = row.double("conv_rate") { row["conv_rate"] = .float32(Float(r * 2)) }
        }
        let driver = Entity("driver", joinKey: "driver_id", type: .int64)
        let source = Source.parquet("driver_push", path: "unused.parquet")
        let view = FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: source,
                               fields: [Field("conv_rate", .float32), Field("trips", .int32, nullable: false)], transform: doubled)
        let repository = FeatureRepository(project: project, entities: [driver], sources: [source], views: [view],
                                           services: [FeatureService("s", features: [view.allFeatures])])
        let registry = try Registry(home: home)
        _ = try registry.apply(RepositorySpec(repository), allowBreaking: false)
        let store = try OfflineStore(home: home, database: registry.database)
        let buffer = OfflinePushBuffer(store: store, jobs: try JobLog(database: registry.database), maxRows: 1000)
        let client = RedisClient(url: try redis ?? PrivateRedis.url(), options: .init(connections: 1))
        let state = ServerState(registry: registry, client: client, configuration: ServerConfiguration(), repository: repository, pushBuffer: buffer)
        return PushServer(repository: repository, state: state, buffer: buffer, store: store, home: home)
    }

    private func push(_ client: some TestClientProtocol, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: "/push", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }

    private func lookup(_ client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/get-online-features", method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(string: #"{"features":["driver_stats:conv_rate","driver_stats:trips"],"entities":{"driver_id":[7]}}"#)).text
    }

    @Test("pushed rows go through the transform online, never replace a newer value, and bad rows write nothing")
    func online() async throws {
        let server = try Self.make()
        defer { server.state.client.shutdown(); try? FileManager.default.removeItem(atPath: server.home) }
        try await server.state.reload()
        let now = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch / 1_000_000 * 1_000_000)
        let t1 = now.adding(.hours(-1)).iso8601(fractionalDigits: 0), t2 = now.adding(.hours(-2)).iso8601(fractionalDigits: 0)
        let app = Application(router: FeatureServer(state: server.state).router())
        try await app.test(.router) { client in
            let first = try await push(client, #"{"feature_view":"driver_stats","df":{"driver_id":[7],"event_timestamp":["\#(t1)"],"conv_rate":[0.25],"trips":[3]},"to":"online"}"#)
            #expect(first.status == .ok)
            #expect(first.text == #"{"view":"driver_stats","rows":1}"#)
            let answer = try await lookup(client)
            #expect(answer.contains(#"{"values":[0.5],"statuses":["PRESENT"]"#), "0.25 doubled by the transform: \(answer)")

            let older = try await push(client, #"{"push_source_name":"driver_push","df":{"driver_id":[7],"event_timestamp":["\#(t2)"],"conv_rate":[0.4],"trips":[1]}}"#)
            #expect(older.status == .ok)
            #expect(try await lookup(client).contains(#"{"values":[0.5],"statuses":["PRESENT"]"#), "an older row never replaces a newer one")

            let bad = try await push(client, #"{"feature_view":"driver_stats","df":{"driver_id":[7,7],"event_timestamp":["\#(t1)","\#(t1)"],"conv_rate":[0.9,0.9],"trips":[5,null]},"to":"online_and_offline"}"#)
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("INVALID_ROWS"))
            #expect(bad.text.contains("trips: is null, but trips is not nullable"))
            #expect(try await lookup(client).contains(#"{"values":[0.5],"statuses":["PRESENT"]"#))
            #expect(await server.buffer.pendingRows.isEmpty, "a refused push buffers nothing offline")

            let typo = try await push(client, #"{"feature_view":"driver_stat","df":{}}"#)
            #expect(typo.status == .badRequest)
            #expect(typo.text.contains("UNKNOWN_FEATURE_VIEW"))
        }
    }

    @Test("an offline push is answered once its rows are committed, as parts of their own beside the stored rows")
    func offline() async throws {
        let server = try Self.make()
        defer { server.state.client.shutdown(); try? FileManager.default.removeItem(atPath: server.home) }
        try await server.state.reload()
        let app = Application(router: FeatureServer(state: server.state).router())
        try await app.test(.router) { client in
            for (hour, rate) in [(1, 0.1), (2, 0.2)] {
                let r = try await push(client, #"{"feature_view":"driver_stats","df":{"driver_id":[7,8],"event_timestamp":["2026-01-01T0\#(hour):00:00Z","2026-01-01T0\#(hour):30:00Z"],"conv_rate":[\#(rate),\#(rate)],"trips":[1,2]},"to":"offline"}"#)
                #expect(r.status == .ok)
                let stored = try #require(try server.store.read(view: "driver_stats", columns: nil), "committed before the answer")
                #expect(stored.rowCount == hour * 2)
            }
        }
        #expect(await server.buffer.pendingRows.isEmpty)
        let stored = try #require(try server.store.read(view: "driver_stats", columns: nil))
        #expect(stored.column(named: "conv_rate")!.float32Values.sorted() == [0.2, 0.2, 0.4, 0.4])
        let files = try server.store.catalog.files(view: "driver_stats")
        #expect(files.count == 2 && files.allSatisfy { $0.kind == .push && $0.path.contains("/push-j") }, "one part per flush, no day rewritten")
    }
}
