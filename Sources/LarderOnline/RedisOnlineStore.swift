public import Larder
import Synchronization

/// The online store on Redis: writes the latest feature values per entity row of a view and serves
/// them for `get-online-features`. The key layout and value encoding are in the README ("Online store layout").
///
/// Writes go through a Lua script (SCRIPT LOAD once, then EVALSHA; EVAL when the server lost its
/// script cache) that keeps a row only if its (event time, created time) is greater than the
/// stored one, so writes are idempotent and concurrent writers cannot replace newer data with
/// older. Reads are one pipelined round trip of HMGETs per request, whatever the number of rows
/// and views.
///
/// ```swift
/// let store = RedisOnlineStore(client: try RedisClient(url: "redis://127.0.0.1:6380"))
/// try await store.write(layout, rows: rows)
/// let served = try await store.read(layout, features: ["conv_rate"], entityKeys: [[.int64(1001)]], now: .now())
/// ```
public final class RedisOnlineStore: Sendable {
    public let client: RedisClient
    /// The first part of every key, so several stores can share one Redis database.
    public let keyPrefix: String
    /// Rows per pipelined write batch.
    public let writeChunkSize: Int
    private let scriptSHA = Mutex<[UInt8]?>(nil)
    private let aggregateScriptSHA = Mutex<[UInt8]?>(nil)

    public init(client: RedisClient, keyPrefix: String = "larder", writeChunkSize: Int = 1_000) {
        precondition(writeChunkSize > 0, "writeChunkSize must be positive")
        self.client = client
        self.keyPrefix = keyPrefix
        self.writeChunkSize = writeChunkSize
    }

    // MARK: Writing

    /// Writes `rows` to `layout`'s view: pipelined in chunks (several in flight, one per pooled
    /// connection), each row kept only if newer than the stored one. Safe to replay.
    @discardableResult
    public func write(_ layout: OnlineViewLayout, rows: OnlineRows) async throws -> OnlineWriteStats {
        try layout.validate()
        try rows.validate(against: layout)
        guard rows.count > 0 else { return OnlineWriteStats() }
        let sha = try await loadedScriptSHA()
        let batch = OnlineWriteBatch(layout: layout, rows: rows, keyPrefix: keyPrefix)
        let chunkSize = writeChunkSize
        let chunks = stride(from: 0, to: rows.count, by: chunkSize).map { $0..<min($0 + chunkSize, rows.count) }
        let client = self.client
        return try await withThrowingTaskGroup(of: OnlineWriteStats.self) { group in
            var total = OnlineWriteStats()
            var inFlight = 0
            for chunk in chunks {
                if inFlight == client.options.connections, let done = try await group.next() {
                    total = total + done
                    inFlight -= 1
                }
                group.addTask { try await Self.writeChunk(batch, rows: chunk, sha: sha, client: client) }
                inFlight += 1
            }
            for try await done in group { total = total + done }
            return total
        }
    }

    private static func writeChunk(_ batch: OnlineWriteBatch, rows: Range<Int>, sha: [UInt8], client: RedisClient) async throws -> OnlineWriteStats {
        let calls = stride(from: rows.lowerBound, to: rows.upperBound, by: OnlineWriteScript.rowsPerCall).map {
            $0..<min($0 + OnlineWriteScript.rowsPerCall, rows.upperBound)
        }
        var pipeline = RedisPipeline(reservingCapacity: rows.count * 128)
        var key: [UInt8] = []
        for call in calls { batch.appendWrite(rows: call, script: .sha(sha), to: &pipeline, key: &key) }
        var stats = OnlineWriteStats(rows: rows.count, roundTrips: 1)
        var unloaded: [Range<Int>] = []
        for (index, reply) in try await client.pipeline(pipeline, retry: .idempotent).enumerated() {
            if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
                unloaded.append(calls[index])
            } else {
                try batch.count(reply, rows: calls[index], into: &stats)
            }
        }
        guard !unloaded.isEmpty else { return stats }
        // The server lost its script cache (restart, SCRIPT FLUSH): EVAL caches the script again.
        // Order does not matter because the script compares versions.
        pipeline.removeAll()
        for call in unloaded { batch.appendWrite(rows: call, script: .source, to: &pipeline, key: &key) }
        stats.roundTrips += 1
        for (index, reply) in try await client.pipeline(pipeline, retry: .idempotent).enumerated() {
            try batch.count(reply, rows: unloaded[index], into: &stats)
        }
        return stats
    }

    private func loadedScriptSHA() async throws -> [UInt8] {
        try await loadedSHA(of: OnlineWriteScript.source, cache: scriptSHA)
    }

    /// The SHA1 of the tile write script (``AggregateWriteScript``), loaded once.
    func loadedAggregateScriptSHA() async throws -> [UInt8] {
        try await loadedSHA(of: AggregateWriteScript.source, cache: aggregateScriptSHA)
    }

    private func loadedSHA(of source: String, cache scriptSHA: borrowing Mutex<[UInt8]?>) async throws -> [UInt8] {
        if let sha = scriptSHA.withLock({ $0 }) { return sha }
        let reply = try await client.command(["SCRIPT", "LOAD", source].map { Array($0.utf8) }, retry: .idempotent)
        guard case .bytes(let sha) = reply, sha.count == 40 else {
            throw RedisError(kind: .protocol, command: "SCRIPT", address: client.url.address, message: "SCRIPT LOAD answered \(reply), not a SHA1")
        }
        scriptSHA.withLock { $0 = sha }
        return sha
    }

    // MARK: Reading

    /// Reads `features` of `layout`'s view for each entity key, in one round trip. Values older
    /// than `now − ttl` are served null with ``OnlineFeatureStatus/outsideMaxAge``.
    public func read(_ layout: OnlineViewLayout, features: [String], entityKeys: [[Value]], now: Timestamp) async throws -> [OnlineFeatureRow] {
        try await read([OnlineReadRequest(layout: layout, features: features, entityKeys: entityKeys)], now: now)[0]
    }

    /// Reads several views at once (N entity rows × V views) in one pipelined round trip; the
    /// result has one array per request, one row per entity key.
    public func read(_ requests: [OnlineReadRequest], now: Timestamp) async throws -> [[OnlineFeatureRow]] {
        let plan = try OnlineReadPlan(requests: requests, keyPrefix: keyPrefix, now: now)
        guard plan.commandCount > 0 else { return requests.map { _ in [] } }
        // HMGET only reads, so resending after a lost connection is safe.
        return try await client.submit(plan.pipeline, retry: .idempotent) { replies in
            try plan.decode(replies).map(\.rows)
        }
    }
}
