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

@Suite("The offline push buffer: commit before answering, retry, one flush per view")
struct OfflinePushBufferTests {
    static let driver = Entity("driver", joinKey: "driver_id", type: .int64)
    static let view = FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: .parquet("driver_push", path: "unused.parquet"),
                                  fields: [Field("conv_rate", .float32), Field("trips", .int32, nullable: false)])

    struct Fixture {
        let home: String
        let registry: Registry
        let store: OfflineStore
        let jobs: JobLog
        func remove() { try? FileManager.default.removeItem(atPath: home) }
    }

    static func fixture() throws -> Fixture {
        let home = try temporaryDirectory()
        let registry = try Registry(home: home)
        return Fixture(home: home, registry: registry, store: try OfflineStore(home: home, database: registry.database),
                       jobs: try JobLog(database: registry.database))
    }

    /// Stored rows for drivers `ids` on 2026-01-01, one minute apart.
    static func rows(_ ids: [Int64]) throws -> ColumnBatch {
        let micros = ids.map { ts("2026-01-01T00:00:00Z").microsecondsSinceEpoch + $0 * 60_000_000 }
        // The view's stored schema, as ViewRowBuilder makes it.
        let schema = Schema([SchemaField(name: "driver_id", type: .int64, nullable: false),
                             SchemaField(name: "event_timestamp", type: .timestamp, nullable: false),
                             SchemaField(name: "created", type: .timestamp, nullable: true),
                             SchemaField(name: "conv_rate", type: .float32, nullable: true),
                             SchemaField(name: "trips", type: .int32, nullable: false)])
        return try ColumnBatch(schema: schema, columns: [
            Column(int64: ids), Column(timestampMicros: micros), Column(timestampMicros: micros),
            Column(float32: ids.map { Float($0) / 100 }), Column(int32: ids.map { Int32($0) }),
        ])
    }

    static func storedDrivers(_ store: OfflineStore) throws -> [Int64] {
        (try store.read(view: "driver_stats", columns: ["driver_id"])?.column(named: "driver_id")?.int64Values ?? []).sorted()
    }

    /// Puts a regular file where the day's directory must go: every flush into that day fails until it is removed.
    static func blockDay(_ f: Fixture) throws -> String {
        let path = f.home + "/offline/driver_stats/date=2026-01-01"
        try FileManager.default.createDirectory(atPath: f.home + "/offline/driver_stats", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: path, contents: Data("in the way".utf8)))
        return path
    }

    @Test("a failing flush keeps its rows, retries with backoff, and answers the push once a retry commits", .timeLimit(.minutes(1)))
    func failingFlushIsRetried() async throws {
        let f = try Self.fixture(); defer { f.remove() }
        let blocker = try Self.blockDay(f)
        let (events, sink) = AsyncStream<OfflinePushBuffer.Event>.makeStream()
        let buffer = OfflinePushBuffer(store: f.store, jobs: f.jobs, retry: .init(attempts: 1000, backoff: .milliseconds(5), maxBackoff: .milliseconds(20)),
                                       onEvent: { sink.yield($0) })
        let push = Task { try await buffer.append(view: "driver_stats", rows: try Self.rows([1, 2, 3])) }
        var failures = 0
        for await event in events {
            guard case .failed(let view, let rows, let attempt, _, let wait) = event else { continue }
            #expect(view == "driver_stats" && rows == 3 && attempt == failures + 1)
            #expect(wait >= .milliseconds(5) && wait <= .milliseconds(20))
            failures += 1
            if failures == 3 { break }
        }
        #expect(await buffer.pendingRows == ["driver_stats": 3], "the rows stay queued while the flush fails")
        #expect(try Self.storedDrivers(f.store).isEmpty)
        #expect(try f.jobs.list(failedOnly: true).count >= 3, "each failed attempt is a failed push job")

        try FileManager.default.removeItem(atPath: blocker)
        try await push.value
        #expect(try Self.storedDrivers(f.store) == [1, 2, 3])
        #expect(await buffer.pendingRows.isEmpty)
        #expect(try f.store.catalog.pending().isEmpty, "the failed attempts left nothing to clean up")
        sink.finish()
    }

    @Test("once every attempt failed, the push is answered 503 and none of its rows is stored or kept")
    func exhaustedRetriesRefuse() async throws {
        let f = try Self.fixture(); defer { f.remove() }
        _ = try Self.blockDay(f)
        let repository = FeatureRepository(project: uniqueProject(), entities: [Self.driver], sources: [Self.view.source], views: [Self.view],
                                           services: [FeatureService("s", features: [Self.view.allFeatures])])
        _ = try f.registry.apply(RepositorySpec(repository), allowBreaking: false)
        let buffer = OfflinePushBuffer(store: f.store, jobs: f.jobs, retry: .init(attempts: 2, backoff: .milliseconds(1)))
        let client = RedisClient(url: try PrivateRedis.url(), options: .init(connections: 1))
        defer { client.shutdown() }
        let state = ServerState(registry: f.registry, client: client, configuration: ServerConfiguration(), repository: repository, pushBuffer: buffer)
        try await state.reload()
        let app = Application(router: FeatureServer(state: state).router())
        try await app.test(.router) { http in
            let answer = try await http.execute(uri: "/push", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string:
                #"{"feature_view":"driver_stats","df":{"driver_id":[7],"event_timestamp":["2026-01-01T01:00:00Z"],"conv_rate":[0.5],"trips":[1]},"to":"offline"}"#))
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.text.contains("OFFLINE_STORE_UNAVAILABLE"))
            #expect(answer.text.contains("none of them is stored"))
        }
        #expect(await buffer.pendingRows.isEmpty)
        #expect(try Self.storedDrivers(f.store).isEmpty)
        #expect(try f.jobs.list(failedOnly: true).count == 2)
    }

    @Test("concurrent pushes of one view share commits, one flush at a time, and every row is stored once")
    func groupCommit() async throws {
        let f = try Self.fixture(); defer { f.remove() }
        let commits = LockedEvents()
        let buffer = OfflinePushBuffer(store: f.store, jobs: f.jobs, onEvent: { commits.add($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in Int64(1)...40 { group.addTask { try await buffer.append(view: "driver_stats", rows: try Self.rows([id])) } }
            try await group.waitForAll()
        }
        #expect(try Self.storedDrivers(f.store) == Array(1...40))
        let pushes = commits.all.compactMap { event -> Int? in
            if case .committed(_, _, let pushes, _) = event { pushes } else { nil }
        }
        #expect(pushes.reduce(0, +) == 40)
        #expect(pushes.count < 40 && pushes.contains { $0 > 1 }, "pushes that waited for a running flush were committed together: \(pushes)")
        let jobs = try f.jobs.list(limit: 100).filter { $0.trigger == "push" }.sorted { $0.startedAt < $1.startedAt }
        #expect(jobs.count == pushes.count && jobs.allSatisfy { $0.status == .succeeded })
        for (a, b) in zip(jobs, jobs.dropFirst()) {
            #expect(a.finishedAt! <= b.startedAt, "job \(b.id) started before job \(a.id) finished: two flushes of one view at once")
        }
    }
}

/// Buffer events seen from the flush task.
final class LockedEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [OfflinePushBuffer.Event] = []
    func add(_ event: OfflinePushBuffer.Event) { lock.withLock { events.append(event) } }
    var all: [OfflinePushBuffer.Event] { lock.withLock { events } }
}

private func ts(_ text: String) -> Timestamp { try! Timestamp(parsing: text) }
