import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderParquet
import LarderRegistry
import Testing

/// Rows that land in a source with an event time behind the view's watermark.
@Suite("Late data in incremental runs")
struct LateDataTests {
    /// Records what materialization writes online; fails the first `failures` writes.
    final class RecordingSink: OnlineSink, @unchecked Sendable {
        private let lock = NSLock()
        private var rows: [ColumnBatch] = []
        private var failuresLeft: Int
        init(failures: Int = 0) { failuresLeft = failures }
        func writeTiles(view: AggregationView, events: ColumnBatch) throws -> Int {
            throw MaterializationError("these tests materialize no aggregation view")
        }
        func write(view: FeatureView, rows batch: ColumnBatch) throws -> Int {
            try lock.withLock {
                if failuresLeft > 0 {
                    failuresLeft -= 1
                    throw MaterializationError("Redis is down")
                }
                rows.append(batch)
            }
            return batch.rowCount
        }
        var drivers: [Int64] { lock.withLock { rows.flatMap { $0.column(named: "driver_id")!.int64Values } } }
    }

    /// Appends lines to the fixture's drivers.csv.
    private func append(_ f: OfflineFixture, _ lines: [String]) throws {
        let existing = try String(contentsOfFile: f.data + "/drivers.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        try f.write("drivers.csv", existing + lines)
    }

    private func count(_ m: Materializer, driver: Int64) throws -> Int {
        let ids = try m.store.read(view: "driver_stats", columns: ["driver_id"])?.column(named: "driver_id")?.int64Values ?? []
        return ids.filter { $0 == driver }.count
    }

    /// Rows behind the watermark, created after the last run: one in a day the next run rewrites, one in a day it does not.
    static let lateLines = ["1005,2026-01-01T03:30:00Z,2026-01-02T00:00:00Z,0.9,1", "1006,2025-12-31T20:00:00Z,2026-01-02T00:00:00Z,0.8,2"]

    @Test("rows created after the last run are taken whatever their event time, counted, and never taken twice")
    func createdColumn() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(drivers: 2, hours: 24)
        let view = OfflineFixture.view(ttl: .days(2))
        let sink = RecordingSink()
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data, online: sink)
        let first = try m.runIncremental(views: [view], end: ts("2026-01-01T12:00:00Z"), trigger: "test")
        #expect(first.first?.views.first?.rowsLate == 0)
        #expect(try m.state.progress(view: "driver_stats").createdWatermark == ts("2026-01-01T23:01:01Z").microsecondsSinceEpoch,
                "the greatest created time in the source")
        let dayBefore = try m.store.read(view: "driver_stats", columns: nil, interval: EventInterval(start: ts("2026-01-01"), end: ts("2026-01-02")))

        try append(f, Self.lateLines)
        let second = try #require(try m.runIncremental(views: [view], end: ts("2026-01-01T14:00:00Z"), trigger: "test").first)
        #expect(second.interval == EventInterval(start: ts("2026-01-01T12:00:00Z"), end: ts("2026-01-01T14:00:00Z")))
        #expect(second.views[0].rowsRead == 4 + 2)
        #expect(second.views[0].rowsLate == 2)
        #expect(try m.jobs.job(second.jobID)?.rowsLate == 2)
        #expect(try count(m, driver: 1005) == 1 && count(m, driver: 1006) == 1)
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 24 + 4 + 2)
        // The late row's day kept every row it had; the late row is a part of its own.
        let day = OfflineFixture.multiset(try m.store.read(view: "driver_stats", columns: nil, interval: EventInterval(start: ts("2026-01-01"), end: ts("2026-01-02"))))
        for (row, n) in OfflineFixture.multiset(dayBefore) { #expect(day[row] == n, "\(row)") }
        let files = try m.store.catalog.files(view: "driver_stats")
        #expect(files.filter { $0.path.contains("/late-j\(second.jobID)") }.count == 2, "one late part per day")
        #expect(Set(sink.drivers).isSuperset(of: [1005, 1006]), "late rows go online too (never older)")

        let third = try #require(try m.runIncremental(views: [view], end: ts("2026-01-01T15:00:00Z"), trigger: "test").first)
        #expect(third.views[0].rowsLate == 0)
        #expect(try count(m, driver: 1005) == 1 && count(m, driver: 1006) == 1)
    }

    @Test("a run that committed offline but failed online takes the same late rows again: online, and once offline")
    func rerunAfterOnlineFailure() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(drivers: 2, hours: 24)
        let view = OfflineFixture.view(ttl: .days(2))
        let sink = RecordingSink()
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data, online: sink)
        _ = try m.runIncremental(views: [view], end: ts("2026-01-01T12:00:00Z"), trigger: "test")
        try append(f, Self.lateLines)
        let failing = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data,
                                       online: RecordingSink(failures: 1))
        #expect(throws: MaterializationError.self) {
            try failing.runIncremental(views: [view], end: ts("2026-01-01T14:00:00Z"), trigger: "test")
        }
        #expect(try count(m, driver: 1005) == 1, "committed offline before the online write failed")
        #expect(try m.state.progress(view: "driver_stats").watermark == ts("2026-01-01T12:00:00Z"), "the watermarks did not move")

        let rerun = try #require(try m.runIncremental(views: [view], end: ts("2026-01-01T14:00:00Z"), trigger: "test").first)
        #expect(rerun.views[0].rowsRead == 6)
        #expect(rerun.views[0].rowsLate == 0, "both were stored by the failed run")
        #expect(try count(m, driver: 1005) == 1 && count(m, driver: 1006) == 1)
        #expect(Set(sink.drivers).isSuperset(of: [1005, 1006]))
    }

    @Test("a late row an explicit materialization stored already is not stored again by the next incremental run")
    func explicitMaterializationFirst() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(drivers: 2, hours: 24)
        let view = OfflineFixture.view(ttl: .days(2))
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data)
        _ = try m.runIncremental(views: [view], end: ts("2026-01-01T12:00:00Z"), trigger: "test")
        try append(f, Self.lateLines)
        _ = try m.run(views: [view], interval: EventInterval(start: ts("2026-01-01T00:00:00Z"), end: ts("2026-01-01T06:00:00Z")), trigger: "test")
        #expect(try count(m, driver: 1005) == 1)
        let next = try #require(try m.runIncremental(views: [view], end: ts("2026-01-01T14:00:00Z"), trigger: "test").first)
        #expect(next.views[0].rowsLate == 1, "only 1006 is new")
        #expect(try count(m, driver: 1005) == 1 && count(m, driver: 1006) == 1)
    }

    @Test("without a created column, allowedLateness re-reads that much behind the watermark; with neither, the job says late rows are missed")
    func allowedLateness() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(drivers: 2, hours: 24)
        let source = Source.csv("drivers", path: "drivers.csv", created: nil)
        let fields = [Field("conv_rate", .float32), Field("trips", .int32, nullable: false)]
        let lenient = FeatureView("driver_stats", entities: [OfflineFixture.driver], ttl: .days(2), source: source, fields: fields,
                                  allowedLateness: .hours(3))
        let m = try Materializer(repository: OfflineFixture.repository(lenient), home: f.home, dataDirectory: f.data)
        _ = try m.runIncremental(views: [lenient], end: ts("2026-01-01T12:00:00Z"), trigger: "test")
        try append(f, ["1007,2026-01-01T10:30:00Z,,0.7,3", "1008,2026-01-01T05:00:00Z,,0.6,4"])
        let second = try #require(try m.runIncremental(views: [lenient], end: ts("2026-01-01T14:00:00Z"), trigger: "test").first)
        #expect(second.interval.start == ts("2026-01-01T09:00:00Z"))
        #expect(second.views[0].rowsLate == 1, "1007 is new behind the watermark; 09:00-12:00's other rows were stored already")
        #expect(try count(m, driver: 1007) == 1)
        #expect(try count(m, driver: 1008) == 0, "5:00 is beyond the allowed lateness")
        #expect(try m.jobs.job(second.jobID)?.note == nil)

        let strict = FeatureView("driver_stats", entities: [OfflineFixture.driver], ttl: .days(2), source: source, fields: fields)
        let plain = try Materializer(repository: OfflineFixture.repository(strict), home: f.home, dataDirectory: f.data)
        let third = try #require(try plain.runIncremental(views: [strict], end: ts("2026-01-01T15:00:00Z"), trigger: "test").first)
        let note = try #require(try plain.jobs.job(third.jobID)?.note)
        #expect(note.contains("late rows of driver_stats were not looked for"))
        #expect(note.contains("declare created: on the source or allowedLateness: on the view"))
    }

    @Test("a Parquet file wholly before the interval is still read when its created statistics say it holds late rows")
    func parquetGlob() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let source = Source.parquet("drivers", path: "drivers/*.parquet")
        let view = FeatureView("driver_stats", entities: [OfflineFixture.driver], ttl: .days(2), source: source,
                               fields: [Field("conv_rate", .float32), Field("trips", .int32, nullable: false)])
        try FileManager.default.createDirectory(atPath: f.data + "/drivers", withIntermediateDirectories: true)
        func file(_ name: String, drivers: [Int64], times: [String], created: String) throws {
            let micros = times.map { ts($0).microsecondsSinceEpoch }
            let batch = try ColumnBatch(["driver_id": Column(int64: drivers), "event_timestamp": Column(timestampMicros: micros),
                                         "created": Column(timestampMicros: micros.map { _ in ts(created).microsecondsSinceEpoch }),
                                         "conv_rate": Column(float32: drivers.map { _ in 0.5 }), "trips": Column(int32: drivers.map { _ in 1 })])
            try ParquetFile.write(batch, to: f.data + "/drivers/" + name)
        }
        try file("a.parquet", drivers: [1, 2], times: ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"], created: "2026-01-01T03:00:00Z")
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data)
        _ = try m.runIncremental(views: [view], end: ts("2026-01-01T12:00:00Z"), trigger: "test")
        try file("b.parquet", drivers: [3], times: ["2026-01-01T04:00:00Z"], created: "2026-01-01T13:00:00Z")
        let next = try #require(try m.runIncremental(views: [view], end: ts("2026-01-01T14:00:00Z"), trigger: "test").first)
        #expect(next.views[0].rowsLate == 1)
        #expect(try count(m, driver: 3) == 1)
        #expect(try m.state.progress(view: "driver_stats").createdWatermark == ts("2026-01-01T13:00:00Z").microsecondsSinceEpoch)
    }
}
