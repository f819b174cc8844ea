import Foundation
import Larder
import LarderColumnar
import LarderParquet
import LarderOffline
import LarderRegistry
import Testing

@Suite("larder demo-data / materialize / training-set, end to end")
struct OfflineCommandsTests {
    static let start = "2026-01-01T00:00:00Z"

    private func prepared(_ dir: String) throws -> LarderBinary {
        let larder = LarderBinary(workingDirectory: dir, environment: ["LARDER_DATA": dir + "/data", "LARDER_HOME": dir + "/state"])
        let data = try larder.run("demo-data", "--scale", "XS", "--start", Self.start, "data")
        #expect(data.status == 0, "\(data.stderr)")
        let apply = try larder.run("apply")
        #expect(apply.status == 0, "\(apply.stderr)")
        return larder
    }

    private func catalog(_ dir: String) throws -> [String] {
        try SQLiteConnection(path: dir + "/state/registry.db")
            .query("SELECT view, day, path, row_count FROM offline_files ORDER BY view, day")
            .map { $0.values.map { "\($0)" }.joined(separator: "|") }
    }

    private func parquetFiles(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir + "/state/offline")?.allObjects.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".parquet") }.map { "offline/" + $0 }.sorted()
    }

    @Test("a materialization killed after writing its files leaves the catalog as before; the rerun cleans up")
    func crashSafety() throws {
        try withTemporaryDirectory { dir in
            let larder = try prepared(dir)
            let first = try larder.run("materialize", "--start", Self.start, "--end", "2026-01-03T00:00:00Z", "--offline-only", "--view", "driver_stats", "--view", "customer_stats")
            #expect(first.status == 0, "\(first.stderr)")
            let before = try catalog(dir)
            #expect(before.count == 4)

            var crashing = larder
            crashing.environment["LARDER_FAULT"] = "after-stage"
            let killed = try crashing.run("materialize", "--start", Self.start, "--end", "2026-01-08T00:00:00Z", "--offline-only", "--view", "driver_stats", "--view", "customer_stats")
            #expect(killed.status == 9, "killed by SIGKILL")
            #expect(try catalog(dir) == before, "nothing of the killed job is visible")
            #expect(parquetFiles(dir).count > before.count, "its staged files are on disk as orphans")

            let rerun = try larder.run("materialize", "--start", Self.start, "--end", "2026-01-08T00:00:00Z", "--offline-only", "--view", "driver_stats", "--view", "customer_stats")
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let after = try catalog(dir)
            #expect(after.count == 14)
            let db = try SQLiteConnection(path: dir + "/state/registry.db")
            let listed = try db.query("SELECT path FROM offline_files ORDER BY path").compactMap { $0[0].string }
            let retired = try db.query("SELECT path FROM offline_retired ORDER BY path").compactMap { $0[0].string }
            #expect(parquetFiles(dir) == (listed + retired).sorted(), "orphans removed; superseded files wait as retired")
            #expect(retired.count == before.count, "the first run's day files (two views, two days), superseded by the rerun")
            let jobs = try SQLiteConnection(path: dir + "/state/registry.db").query("SELECT status FROM jobs ORDER BY id").compactMap { $0[0].string }
            #expect(jobs == ["succeeded", "failed", "succeeded"])
        }
    }

    @Test("a training set keeps every entity row in input order, passes labels through, and saves a snapshot")
    func trainingSet() throws {
        try withTemporaryDirectory { dir in
            let larder = try prepared(dir)
            #expect(try larder.run("materialize", "--start", "2025-12-01T00:00:00Z", "--end", "2026-02-01T00:00:00Z").status == 0)
            let made = try larder.run("training-set", "--entities", "data/orders.parquet", "--service", "rides", "--out", "out/train.parquet", "--save", "s1")
            #expect(made.status == 0, "\(made.stderr)")
            #expect(made.stdout.contains("saved snapshot s1"))
            let orders = try ParquetFile.read(dir + "/data/orders.parquet")
            let train = try ParquetFile.read(dir + "/out/train.parquet")
            #expect(train.rowCount == orders.rowCount)
            #expect(train.column(named: "order_id") == orders.column(named: "order_id"))
            #expect(train.column(named: "trip_completed") == orders.column(named: "trip_completed"))
            #expect(train.column(named: "conv_rate")?.type == .float32)
            #expect(train.column(named: "lifetime_trip_count")?.type == .int32)
            let nulls = train.column(named: "conv_rate")!.nullCount
            #expect(nulls > 0 && nulls < train.rowCount / 5, "orders before any data or past the ttl get nulls, most get values")

            let snapshotBytes = FileManager.default.contents(atPath: dir + "/state/snapshots/s1.parquet")
            #expect(snapshotBytes != nil && snapshotBytes == FileManager.default.contents(atPath: dir + "/out/train.parquet"),
                    "a Parquet --out with --save is the snapshot's file, encoded once")

            let again = try larder.run("training-set", "--entities", "data/orders.parquet", "--service", "rides", "--out", "out/t.csv", "--save", "s1")
            #expect(again.stdout.contains("already holds exactly this content"))
            let csv = try String(contentsOfFile: dir + "/out/t.csv", encoding: .utf8)
            #expect(csv.split(separator: "\n").count == orders.rowCount + 1, "a CSV --out is still written from the batch")
            let narrower = try larder.run("training-set", "--entities", "data/orders.parquet", "--features", "driver_stats:conv_rate",
                                          "--out", "out/t2.parquet", "--save", "s1")
            #expect(narrower.status != 0)
            #expect(narrower.stderr.contains("already exists with different content"))
            let show = try larder.run("snapshots", "show", "s1")
            #expect(show.stdout.contains("registry version: 1"))
            #expect(show.stdout.contains("materialized driver_stats: [2025-12-01T00:00:00Z, 2026-02-01T00:00:00Z)"))
        }
    }

    @Test("apply checks the sources' Parquet schemas and names the missing column and the file")
    func validatesParquetSources() throws {
        try withTemporaryDirectory { dir in
            let larder = try prepared(dir)
            let path = dir + "/data/customer_stats.parquet"
            let full = try ParquetFile.read(path)
            try ParquetFile.write(try full.selecting(["customer_id", "event_timestamp", "created", "current_balance", "avg_passenger_count"]), to: path)
            let refused = try larder.run("plan")
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("field customer_stats.lifetime_trip_count: feature lifetime_trip_count is not a column of \(path)"))
        }
    }

    @Test("larder jobs show counts the late rows an incremental run took")
    func jobsShowLateRows() throws {
        try withTemporaryDirectory { dir in
            let larder = try prepared(dir)
            let lateDriver: Int64 = 100_000
            #expect(try larder.run("materialize-incremental", "--end", "2026-01-07T12:00:00Z", "--offline-only", "--view", "driver_stats").status == 0)
            // A row lands in the source behind the watermark, created after everything the source had.
            let path = dir + "/data/driver_stats.parquet"
            let source = try ParquetFile.read(path)
            let first = source.gather([0])
            let late = try ColumnBatch(schema: source.schema, columns: try source.schema.fields.map { field in
                switch field.name {
                case "driver_id": Column(int64: [lateDriver])
                case "event_timestamp": Column(timestampMicros: [try Timestamp(parsing: "2026-01-07T01:00:00Z").microsecondsSinceEpoch])
                case "created": Column(timestampMicros: [try Timestamp(parsing: "2030-01-01T00:00:00Z").microsecondsSinceEpoch])
                default: try #require(first.column(named: field.name))
                }
            })
            try ParquetFile.write(try ColumnBatch.concatenate([source, late]), to: path)
            let run = try larder.run("materialize-incremental", "--end", "2026-01-07T13:00:00Z", "--offline-only", "--view", "driver_stats")
            #expect(run.status == 0, "\(run.stderr)")
            let id = try #require(try SQLiteConnection(path: dir + "/state/registry.db").queryFirst("SELECT max(id) FROM jobs")?[0].int64)
            let shown = try larder.run("jobs", "show", String(id))
            #expect(shown.stdout.contains("late rows (event time behind the view's watermark): 1"), "\(shown.stdout)")
            let registry = try Registry(home: dir + "/state")
            let ids = try OfflineStore(home: dir + "/state", database: registry.database).read(view: "driver_stats", columns: ["driver_id"])?
                .column(named: "driver_id")?.int64Values ?? []
            #expect(ids.filter { $0 == lateDriver }.count == 1)
        }
    }
}
