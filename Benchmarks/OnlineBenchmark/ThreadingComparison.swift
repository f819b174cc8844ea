// How blocking hiredis calls reach async callers, measured on the same raw HMGET pipeline
// (1 row × 2 views, replies copied into RedisReply values):
//   - RedisClient: a dedicated thread per pooled connection, queued requests coalesced;
//   - NIOThreadPool: a shared pool of NIO threads checking connections out of a locked bag;
//   - direct: OS threads each owning a connection (no hop; not usable from async code).
import LarderOnline
import NIOPosix
import Synchronization

func hmgetPipeline(_ i: Int) -> RedisPipeline {
    var pipeline = RedisPipeline()
    for view in ["drivers", "customers"] {
        pipeline.append(["HMGET", "larder:bench:\(view):i\(i % entities)", "_v"] + features.map(\.name))
    }
    return pipeline
}

/// Connections shared by the NIOThreadPool threads; a connection is used by one thread at a time
/// (checked out by index under the lock), which is what makes the unchecked Sendable sound.
final class ConnectionBag: @unchecked Sendable {
    private let connections: [RedisConnection]
    private let idle: Mutex<[Int]>

    init(url: RedisURL, count: Int) throws {
        connections = try (0..<count).map { _ in try RedisConnection(url: url) }
        idle = Mutex(Array(0..<count))
    }

    func withConnection<T>(_ body: (RedisConnection) throws -> T) throws -> T {
        // The bag holds as many connections as the pool has threads, so one is always idle here.
        let index = idle.withLock { $0.removeLast() }
        defer { idle.withLock { $0.append(index) } }
        return try body(connections[index])
    }
}

func compareThreading(seconds: Double, connections: Int) async throws {
    print("-- hop comparison: raw HMGET pipeline, 1 row x 2 views, \(connections) connections, \(seconds) s each --")
    let client = RedisClient(url: url, options: .init(connections: connections))
    let viaClient = try await measure(seconds: seconds, tasks: tasks) { i in
        let replies = try await client.pipeline(hmgetPipeline(i), retry: .readOnly)
        precondition(replies.count == 2 && !replies[0].isNull)
    }
    viaClient.report("RedisClient (dedicated threads)", rowsPerRequest: 1)

    let pool = NIOThreadPool(numberOfThreads: connections)
    pool.start()
    let bag = try ConnectionBag(url: url, count: connections)
    let viaNIO = try await measure(seconds: seconds, tasks: tasks) { i in
        let pipeline = hmgetPipeline(i)
        let replies = try await pool.runIfActive { try bag.withConnection { try $0.pipeline(pipeline) } }
        precondition(replies.count == 2 && !replies[0].isNull)
    }
    viaNIO.report("NIOThreadPool + connection bag", rowsPerRequest: 1)
    try await pool.shutdownGracefully()
}
