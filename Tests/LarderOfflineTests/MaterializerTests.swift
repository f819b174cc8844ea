import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderRegistry
import LarderSources
import Testing

@Suite("Materialization into the offline store")
struct MaterializerTests {
    private func materializer(_ fixture: OfflineFixture, _ view: FeatureView) throws -> Materializer {
        try Materializer(repository: OfflineFixture.repository(view), home: fixture.home, dataDirectory: fixture.data)
    }

    @Test("stores exactly the rows of [start, end), and re-materializing an interval replaces it")
    func replacesIntervals() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers()
        let view = OfflineFixture.view()
        let m = try materializer(f, view)
        let day1 = EventInterval(start: ts("2026-01-01T00:00:00Z"), end: ts("2026-01-01T12:00:00Z"))
        _ = try m.run(views: [view], interval: day1, trigger: "test")
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 36)
        _ = try m.run(views: [view], interval: day1, trigger: "test")
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 36, "same interval again must not duplicate")
        let wider = EventInterval(start: ts("2026-01-01T06:00:00Z"), end: ts("2026-01-02T06:00:00Z"))
        let report = try m.run(views: [view], interval: wider, trigger: "test")
        #expect(report.views[0].rowsRead == 72)
        let all = try #require(try m.store.read(view: "driver_stats", columns: nil))
        #expect(all.rowCount == 90, "0h-6h kept from the first run, 6h-30h from the second")
        let times = all.column(named: "event_timestamp")!.timestampMicros
        #expect(Set(times).count == 90)
        #expect(try m.store.catalog.intervals(view: "driver_stats") == [EventInterval(start: day1.start, end: wider.end)])
        #expect(all.schema.names == ["driver_id", "event_timestamp", "created", "conv_rate", "trips"])
        #expect(all.column(named: "trips")?.type == .int32)
    }

    @Test("a null in a non-nullable field stops the job with the file, line and column; nothing is committed")
    func badRowCommitsNothing() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(hours: 4, extra: ["1009,2026-01-01T02:30:00Z,2026-01-01T02:31:00Z,0.5,"])
        let view = OfflineFixture.view()
        let m = try materializer(f, view)
        do {
            _ = try m.run(views: [view], interval: .all, trigger: "test")
            Issue.record("the bad row should stop the job")
        } catch let error as SourceError {
            #expect(error.location == f.data + "/drivers.csv")
            #expect(error.line == 14)
            #expect(error.column == "trips")
            #expect(error.description.contains("is null, but trips is not nullable"))
        }
        #expect(try m.store.read(view: "driver_stats", columns: nil) == nil)
        #expect(try m.jobs.list(failedOnly: true).count == 1)
        let files = FileManager.default.enumerator(atPath: f.home + "/offline")?.allObjects.compactMap { $0 as? String }.filter { $0.hasSuffix(".parquet") } ?? []
        #expect(files.isEmpty, "staged files of the failed job are removed")
    }

    @Test("the view's transform runs on every row, and its type errors name the row")
    func transform() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(drivers: 2, hours: 3)
        let doubled = RowTransform("double", version: 1, produces: ["bucket"]) { row in
            row["conv_rate"] = .float32(Float(row.double("conv_rate")! * 2))
            row["bucket"] = .int32(Int32(row.int64("trips")! % 2))
        }
        let view = OfflineFixture.view(transform: doubled, fields: [Field("conv_rate", .float32), Field("trips", .int32), Field("bucket", .int32)])
        let m = try materializer(f, view)
        _ = try m.run(views: [view], interval: .all, trigger: "test")
        let rows = try #require(try m.store.read(view: "driver_stats", columns: nil))
        let order = try rows.sortIndices(by: [SortKey("driver_id"), SortKey("event_timestamp")])
        let sorted = rows.gather(order)
        #expect(sorted.column(named: "conv_rate")!.float32Values == [0, 0.02, 0.04, 0, 0.02, 0.04])
        #expect(sorted.column(named: "bucket")!.int32Values == [0, 1, 0, 0, 1, 0])

        let broken = RowTransform("broken", version: 1) { row in row["trips"] = .string("many") }
        let badView = OfflineFixture.view(transform: broken)
        do {
            _ = try materializer(f, badView).run(views: [badView], interval: .all, trigger: "test")
            Issue.record("a string in an int32 field must fail")
        } catch let error as SourceError {
            #expect(error.row == 1)
            #expect(error.description.contains("trips: is string (many) but is declared int32"))
        }
    }

    @Test("a SQLite table source is read with ISO or epoch timestamps")
    func sqliteSource() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let db = try SQLiteConnection(path: f.data + "/app.db")
        try db.execute("CREATE TABLE stats(driver_id INTEGER, event_timestamp, created, conv_rate REAL, trips INTEGER)")
        try db.execute("INSERT INTO stats VALUES (1000, '2026-01-01T01:00:00Z', 1767229260, 0.5, 3)")
        try db.execute("INSERT INTO stats VALUES (1001, 1767232800000000, NULL, NULL, 4)")
        try db.execute("INSERT INTO stats VALUES (1002, '2027-01-01T00:00:00Z', NULL, 0.1, 5)")
        let source = Source.sqlite("stats", database: "app.db", table: "stats")
        let view = FeatureView("driver_stats", entities: [OfflineFixture.driver], ttl: .days(1), source: source,
                               fields: [Field("conv_rate", .float32), Field("trips", .int32, nullable: false)])
        let m = try Materializer(repository: FeatureRepository(project: "t", entities: [OfflineFixture.driver], sources: [source], views: [view], services: []),
                                 home: f.home, dataDirectory: f.data)
        _ = try m.run(views: [view], interval: EventInterval(start: ts("2026-01-01"), end: ts("2026-02-01")), trigger: "test")
        let rows = try #require(try m.store.read(view: "driver_stats", columns: nil))
        let sorted = rows.gather(try rows.sortIndices(by: [SortKey("driver_id")]))
        #expect(sorted.column(named: "driver_id")!.int64Values == [1000, 1001])
        #expect(sorted.value(row: 0, column: 2) == .timestamp(ts("2026-01-01T01:01:00Z")))
        #expect(sorted.value(row: 1, column: 1) == .timestamp(ts("2026-01-01T02:00:00Z")))
        #expect(sorted.value(row: 1, column: 3) == .null)
        #expect(sorted.value(row: 0, column: 3) == .float32(0.5))
    }

    @Test("orphans of a job that never committed are removed, committed files are kept")
    func orphans() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(hours: 30)
        let view = OfflineFixture.view()
        let m = try materializer(f, view)
        _ = try m.run(views: [view], interval: .all, trigger: "test")
        let before = try m.store.catalog.files(view: "driver_stats")
        let rows = try #require(try m.store.read(view: "driver_stats", columns: nil))
        _ = try m.store.stage(view: "driver_stats", rows: rows, interval: .all, jobID: 999)
        let removed = try m.store.removeOrphans(liveJobs: [])
        #expect(removed.count == 2)
        #expect(removed.allSatisfy { $0.hasSuffix("part-j999.parquet") })
        #expect(try m.store.catalog.files(view: "driver_stats") == before)
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 90)
    }
}
