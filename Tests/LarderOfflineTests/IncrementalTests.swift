import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderRegistry
import Testing

@Suite("Incremental materialization")
struct IncrementalTests {
    @Test("runs from the watermark, picks up appended rows, re-reads the allowed lateness without duplicates")
    func watermarks() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(drivers: 2, hours: 24)
        let view = FeatureView("driver_stats", entities: [OfflineFixture.driver], ttl: .days(2), source: OfflineFixture.source,
                               fields: [Field("conv_rate", .float32), Field("trips", .int32)], allowedLateness: .hours(2))
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data)
        let end1 = ts("2026-01-01T12:00:00Z")
        #expect(try m.incrementalInterval(for: view, end: end1) == EventInterval(start: ts("2025-12-30T12:00:00Z"), end: end1))
        let first = try m.runIncremental(views: [view], end: end1, trigger: "test")
        #expect(first.map(\.views[0].rowsRead) == [24])
        #expect(try m.state.watermark(view: "driver_stats") == end1)

        // Rows appended to the source: two new hours, and one late row inside the allowed lateness.
        var lines = try String(contentsOfFile: f.data + "/drivers.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        lines.append("1005,2026-01-01T11:30:00Z,2026-01-01T13:00:00Z,0.9,1")
        try f.write("drivers.csv", lines)
        let end2 = ts("2026-01-01T14:00:00Z")
        #expect(try m.incrementalInterval(for: view, end: end2) == EventInterval(start: ts("2026-01-01T10:00:00Z"), end: end2))
        _ = try m.runIncremental(views: [view], end: end2, trigger: "test")
        let stored = try #require(try m.store.read(view: "driver_stats", columns: nil))
        #expect(stored.rowCount == 24 + 4 + 1, "10h-12h re-read and replaced, 12h-14h new, one late row")
        #expect(Set(stored.column(named: "driver_id")!.int64Values).contains(1005))

        // Nothing new: the interval is empty once the watermark reaches the end.
        #expect(try m.runIncremental(views: [view], end: end2, trigger: "test").count == 1, "allowedLateness re-reads even without new data")
        let noLookback = OfflineFixture.view(ttl: .days(2))
        let m2 = try Materializer(repository: OfflineFixture.repository(noLookback), home: f.home, dataDirectory: f.data)
        #expect(try m2.incrementalInterval(for: noLookback, end: end2) == nil)
    }

    @Test("a second run of a view is refused while the first holds its lock; a dead holder's lock is taken over")
    func locks() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let registry = try Registry(home: f.home)
        let state = try MaterializationState(database: registry.database)
        try state.lock(views: ["v"], holder: "run 1")
        do {
            try state.lock(views: ["v", "w"], holder: "run 2")
            Issue.record("the second lock must be refused")
        } catch let error as ViewBusyError {
            #expect(error.view == "v")
            #expect(error.holder == "run 1")
            #expect(error.pid == ProcessInfo.processInfo.processIdentifier)
        }
        try state.unlock(views: ["v"])
        // A lock left by a process that no longer exists (pid far above pid_max) is stale.
        try registry.database.withConnection { db in
            try db.execute("INSERT OR REPLACE INTO view_locks(view, pid, holder, acquired_at) VALUES ('v', 99999999, 'killed run', 0)")
        }
        try state.lock(views: ["v", "w"], holder: "run 3")
        try state.unlock(views: ["v", "w"])
    }
}
