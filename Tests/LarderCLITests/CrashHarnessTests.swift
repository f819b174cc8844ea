import Foundation
import Larder
import LarderColumnar
import LarderOnline
import LarderParquet
import LarderRegistry
import LarderTestSupport
import Testing

/// kill -9 at points of a materialization chosen by a seeded generator, then the same command again:
/// the offline store, the catalog, the watermarks and Redis must equal those of an uninterrupted run.
@Suite("Crash harness")
struct CrashHarnessTests {
    static let points = ["after-read", "after-stage", "after-commit", "after-online", "before-watermark"]
    /// The two feature views (the aggregation views' events, stored offline only, would add a day file per day of trips).
    static let command = ["materialize-incremental", "--end", "2026-01-07T12:00:00Z", "--view", "driver_stats", "--view", "customer_stats"]

    /// The stores of one state directory and Redis database, in comparable form.
    struct Stores: Equatable {
        var catalog: [String]
        /// Parquet files on disk per day directory that the catalog does not list as retired (an orphan shows
        /// here; a superseded file waits for deletion, recorded as retired, until the store's retention passes).
        var filesOnDisk: [String: Int]
        var days: [String: [String]]
        var watermarks: [String]
        var redis: [String: [String]]

        /// What differs from `other`, store by store, at most `limit` lines (the stores are large, a
        /// failure should say where they part, not print them whole).
        func differences(from other: Stores, limit: Int = 12) -> [String] {
            var lines: [String] = []
            func compare<V: Equatable>(_ store: String, _ mine: [String: V], _ theirs: [String: V]) {
                for key in Set(mine.keys).union(theirs.keys).sorted() where mine[key] != theirs[key] {
                    let describe = { (value: V?) in value.map { "\($0)".prefix(120) } ?? "absent" }
                    lines.append("\(store) \(key): \(describe(mine[key])) instead of \(describe(theirs[key]))")
                }
            }
            if catalog != other.catalog { lines.append("catalog: \(catalog) instead of \(other.catalog)") }
            compare("files on disk in", filesOnDisk, other.filesOnDisk)
            compare("rows of day", days, other.days)
            if watermarks != other.watermarks { lines.append("watermarks: \(watermarks) instead of \(other.watermarks)") }
            compare("Redis key", redis, other.redis)
            return Array(lines.prefix(limit)) + (lines.count > limit ? ["… and \(lines.count - limit) more"] : [])
        }
    }

    static func stores(home: String, redis: String) async throws -> Stores {
        let db = try SQLiteConnection(path: home + "/registry.db")
        let files = try db.query("SELECT view, day, path, row_count FROM offline_files ORDER BY view, day, kind, path")
        let retired = Set(try db.query("SELECT path FROM offline_retired").compactMap { $0[0].string })
        var days: [String: [String]] = [:]
        for row in files {
            // File names carry job ids, which differ between runs: compare each day's rows instead.
            let batch = try ParquetFile.read(home + "/" + (row[2].string ?? ""))
            let order = try batch.sortIndices(by: batch.schema.names.map { SortKey($0) })
            let sorted = batch.gather(order)
            days["\(row[0].string ?? "")/\(row[1].int64 ?? 0)"] = (0..<sorted.rowCount).map { r in
                (0..<sorted.schema.count).map { sorted.value(row: r, column: $0).description }.joined(separator: ",")
            }
        }
        let watermarks = try db.query("SELECT view, watermark FROM watermarks ORDER BY view").map { "\($0[0]) \($0[1])" }
        var filesOnDisk: [String: Int] = [:]
        let walker = FileManager.default.enumerator(atPath: home + "/offline")
        while let item = walker?.nextObject() as? String {
            guard item.hasSuffix(".parquet") || item.contains(".tmp"), !retired.contains("offline/" + item) else { continue }
            filesOnDisk[(item as NSString).deletingLastPathComponent, default: 0] += 1
        }
        let client = RedisClient(url: try RedisURL(parsing: redis))
        defer { client.shutdown() }
        var values: [String: [String]] = [:]
        guard case .array(let keys) = try await client.command("KEYS", "larder:rides:*") else { throw CLITestError("KEYS failed") }
        for key in keys {
            guard case .bytes(let name) = key, case .array(let fields) = try await client.command([Array("HGETALL".utf8), name]) else { continue }
            values[String(decoding: name, as: UTF8.self)] = fields.map { "\($0)" }
        }
        return Stores(catalog: files.map { "\($0[0]) \($0[1]) \($0[3])" }, filesOnDisk: filesOnDisk, days: days,
                      watermarks: watermarks, redis: values)
    }

    @Test("seeded kill points leave every store exactly as an uninterrupted run")
    func killAndRerun() async throws {
        let reference = try await run(points: [], database: 6)
        var rng = SplitMix64(seed: 20261122)
        let chosen = (0..<3).map { _ in Self.points[Int(rng.next() % UInt64(Self.points.count))] }
        for (i, point) in chosen.enumerated() {
            let crashed = try await run(points: [point], database: 7 + i)
            let differences = crashed.differences(from: reference)
            #expect(differences.isEmpty, "after a kill at \(point):\n\(differences.joined(separator: "\n"))")
        }
        #expect(reference.days.count == 4, "a first incremental run covers end - ttl: 2 days of drivers, 2 of customers")
        #expect(!reference.redis.isEmpty)
        #expect(reference.filesOnDisk.values.allSatisfy { $0 == 1 } && reference.filesOnDisk.count == 4)
    }

    /// Materializes the XS demo data into a fresh state and Redis database, killing the process at each of
    /// `points` first (one attempt per point), then running the command to completion.
    private func run(points: [String], database: Int) async throws -> Stores {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("larder-crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let redis = try PrivateRedis.text(database: database)
        let client = RedisClient(url: try RedisURL(parsing: redis))
        _ = try await client.command("FLUSHDB")
        client.shutdown()
        var larder = LarderBinary(workingDirectory: dir, environment: ["LARDER_HOME": dir + "/state", "LARDER_DATA": dir + "/data",
                                                                       "LARDER_REDIS_URL": redis])
        #expect(try larder.run("demo-data", "--scale", "XS", "--start", "2026-01-01T00:00:00Z", "data").status == 0)
        #expect(try larder.run("apply").status == 0)
        for point in points {
            larder.environment["LARDER_FAULT"] = point
            let killed = try larder.run(Self.command)
            #expect(killed.status == 9, "killed at \(point): \(killed.stderr)")
        }
        larder.environment["LARDER_FAULT"] = nil
        let finished = try larder.run(Self.command)
        #expect(finished.status == 0, "\(finished.stderr)")
        return try await Self.stores(home: dir + "/state", redis: redis)
    }
}

struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
