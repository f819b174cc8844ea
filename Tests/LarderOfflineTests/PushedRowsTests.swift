import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderRegistry
import Testing

/// Pushed rows are their own part files, which no materialization touches.
@Suite("Pushed offline rows survive materializations")
struct PushedRowsTests {
    /// Two days of source rows (drivers 1000-1002), materialized.
    private func materialized(_ f: OfflineFixture, view: FeatureView = OfflineFixture.view(ttl: .days(2))) throws -> Materializer {
        try f.writeDrivers(hours: 48)
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data)
        _ = try m.run(views: [view], interval: .all, trigger: "test")
        return m
    }

    /// Rows of drivers the source does not have, plus one with a source row's exact (driver, event time).
    private func pushed(_ view: FeatureView, hours: [Int], rate: Float = 0.25) throws -> ColumnBatch {
        let base = ts("2026-01-01T00:00:00Z")
        return try OfflineFixture.storedRows(view, drivers: hours.map { 2000 + Int64($0) } + [1000],
                                             times: hours.map { base.adding(.minutes(Int64(60 * $0 + 30))) } + [base.adding(.hours(5))], rate: rate)
    }

    private func expectHolds(_ store: OfflineStore, _ rows: ColumnBatch, sourceRows: Int, _ comment: Comment) throws {
        let stored = OfflineFixture.multiset(try store.read(view: "driver_stats", columns: nil))
        for (row, count) in OfflineFixture.multiset(rows) { #expect(stored[row] == count, "\(comment): pushed row \(row)") }
        #expect(stored.values.reduce(0, +) == sourceRows + rows.rowCount, comment)
    }

    @Test("an explicit re-materialization of the pushed rows' interval keeps every one of them, beside the source's rows")
    func explicitMaterialization() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let view = OfflineFixture.view(ttl: .days(2))
        let m = try materialized(f, view: view)
        let rows = try pushed(view, hours: [1, 7, 30])
        try OfflinePushWriter(store: m.store, jobs: m.jobs).commit(view: "driver_stats", rows: rows)
        try expectHolds(m.store, rows, sourceRows: 144, "after the push")
        _ = try m.run(views: [view], interval: EventInterval(start: ts("2026-01-01T00:00:00Z"), end: ts("2026-01-03T00:00:00Z")), trigger: "test")
        try expectHolds(m.store, rows, sourceRows: 144, "after re-materializing both days")
        let kinds = try m.store.catalog.files(view: "driver_stats").map(\.kind)
        #expect(kinds.filter { $0 == .push }.count == 2, "one push part per day the push touched")
        #expect(kinds.filter { $0 == .source }.count == 2)
    }

    @Test("incremental runs whose interval covers pushed rows keep them")
    func incrementalRun() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(hours: 48)
        let view = OfflineFixture.view(ttl: .days(2))
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data)
        _ = try m.runIncremental(views: [view], end: ts("2026-01-01T06:00:00Z"), trigger: "test")
        // Pushed after the watermark: the next run's interval covers them.
        let rows = try pushed(view, hours: [8, 20, 26])
        try OfflinePushWriter(store: m.store, jobs: m.jobs).commit(view: "driver_stats", rows: rows)
        let report = try m.runIncremental(views: [view], end: ts("2026-01-02T06:00:00Z"), trigger: "test")
        #expect(report.first?.interval == EventInterval(start: ts("2026-01-01T06:00:00Z"), end: ts("2026-01-02T06:00:00Z")))
        try expectHolds(m.store, rows, sourceRows: 90, "after the incremental run over them")
        _ = try m.runIncremental(views: [view], end: ts("2026-01-03T00:00:00Z"), trigger: "test")
        try expectHolds(m.store, rows, sourceRows: 144, "after the next run")
    }

    /// A clock the test sets; the scheduler never sleeps because the test calls `tick`.
    struct ManualClock: SchedulerClock {
        let time: Timestamp
        func now() -> Timestamp { time }
        func sleep(until deadline: Timestamp) async throws {}
    }

    @Test("a scheduled run over pushed rows keeps them")
    func scheduledRun() async throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(hours: 48)
        let base = OfflineFixture.view(ttl: .days(2))
        let view = FeatureView(base.name, entities: base.entities, ttl: base.ttl, source: base.source, fields: base.fields,
                               schedule: .every(.hours(6)))
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data)
        let scheduler = MaterializationScheduler(views: [view], clock: ManualClock(time: ts("2026-01-01T05:00:00Z"))) { view, now in
            _ = try m.runIncremental(views: [view], end: now, trigger: "scheduled")
        }
        #expect(try await scheduler.tick(now: ts("2026-01-01T06:00:00Z")) == [.succeeded(view: "driver_stats", at: ts("2026-01-01T06:00:00Z"))])
        let rows = try pushed(view, hours: [7, 9, 11])
        try OfflinePushWriter(store: m.store, jobs: m.jobs).commit(view: "driver_stats", rows: rows)
        #expect(try await scheduler.tick(now: ts("2026-01-01T12:00:00Z")) == [.succeeded(view: "driver_stats", at: ts("2026-01-01T12:00:00Z"))])
        try expectHolds(m.store, rows, sourceRows: 3 * 12 + 0, "after the scheduled run over them")
        #expect(try m.jobs.list().map(\.trigger) == ["scheduled", "push", "scheduled"])
    }

    @Test("pushes and re-materializations of one view running at the same time keep every row")
    func concurrentPushAndMaterialize() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let view = OfflineFixture.view(ttl: .days(2))
        let m = try materialized(f, view: view)
        let writer = OfflinePushWriter(store: m.store, jobs: m.jobs)
        let pushes = try (0..<24).map { i in try pushed(view, hours: [i, 24 + i], rate: Float(i) / 100) }
        let failures = ConcurrentFailures()
        DispatchQueue.concurrentPerform(iterations: 3) { lane in
            do {
                switch lane {
                case 0: for rows in pushes[..<12] { try writer.commit(view: "driver_stats", rows: rows) }
                case 1: for rows in pushes[12...] { try writer.commit(view: "driver_stats", rows: rows) }
                default: for _ in 0..<8 { _ = try m.run(views: [view], interval: .all, trigger: "test") }
                }
            } catch {
                failures.add("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        try expectHolds(m.store, try ColumnBatch.concatenate(pushes), sourceRows: 144, "after 24 pushes beside 8 re-materializations")
        #expect(try m.jobs.list(limit: 100).allSatisfy { $0.status == .succeeded })
    }

    @Test("compaction merges a day's push parts into one file with the same rows, in one catalog transaction")
    func compaction() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let view = OfflineFixture.view(ttl: .days(2))
        let m = try materialized(f, view: view)
        let writer = OfflinePushWriter(store: m.store, jobs: m.jobs)
        let pushes = try (0..<5).map { i in try pushed(view, hours: [i], rate: Float(i)) }
        for rows in pushes { try writer.commit(view: "driver_stats", rows: rows) }
        let parts = try m.store.catalog.files(view: "driver_stats").filter { $0.kind == .push }
        #expect(parts.count == 5)
        let before = OfflineFixture.multiset(try m.store.read(view: "driver_stats", columns: nil))

        let compactor = OfflineCompactor(store: m.store, jobs: m.jobs, state: m.state)
        #expect(try compactor.compact(view: "driver_stats", kind: .push, policy: .automatic).isEmpty, "5 parts are not more than 16")
        let merged = try compactor.compact(view: "driver_stats", kind: .push, policy: .everything)
        #expect(merged.map(\.filesMerged) == [5])
        #expect(merged.map(\.rows) == [10])
        let after = try m.store.catalog.files(view: "driver_stats").filter { $0.kind == .push }
        #expect(after.count == 1 && after[0].path.hasSuffix("compact-j\(merged[0].jobID).parquet"))
        #expect(OfflineFixture.multiset(try m.store.read(view: "driver_stats", columns: nil)) == before)
        #expect(Set(try m.store.catalog.retired().map(\.path)) == Set(parts.map(\.path)), "the parts wait for deletion")
        for part in parts { #expect(FileManager.default.fileExists(atPath: f.home + "/" + part.path), "kept for readers until the retention passes") }
        #expect(try m.store.deleteRetired(now: Timestamp.now().adding(.minutes(6))).count == 5)
        for part in parts { #expect(!FileManager.default.fileExists(atPath: f.home + "/" + part.path)) }
        #expect(try compactor.compact(view: "driver_stats", kind: .push, policy: .everything).isEmpty)
        #expect(OfflineFixture.multiset(try m.store.read(view: "driver_stats", columns: nil)) == before)
    }
}

/// Errors collected from concurrent lanes.
final class ConcurrentFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ error: String) { lock.withLock { errors.append(error) } }
    var all: [String] { lock.withLock { errors } }
}

/// A value shared with a closure that runs on another thread.
final class LockedValue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
