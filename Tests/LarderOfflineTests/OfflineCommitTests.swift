import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderRegistry
import Testing

@Suite("Offline commits: durable, superseded files kept for readers, lost races refused")
struct OfflineCommitTests {
    private func materialized(_ f: OfflineFixture) throws -> (Materializer, FeatureView) {
        try f.writeDrivers(hours: 30)
        let view = OfflineFixture.view()
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data)
        _ = try m.run(views: [view], interval: .all, trigger: "test")
        return (m, view)
    }

    @Test("a catalog commit runs with synchronous = FULL, and the connection goes back to NORMAL after it")
    func durableCommit() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let (m, view) = try materialized(f)
        let rows = try OfflineFixture.storedRows(view, drivers: [7], times: [ts("2026-01-01T03:00:00Z")])
        let staged = try m.store.stageParts(view: "driver_stats", rows: rows, kind: .push, role: "push", jobID: 900)
        var during: Int64?
        try m.store.commit([staged], jobID: 900) { db in during = try db.queryFirst("PRAGMA synchronous")?[0].int64 }
        #expect(during == 2, "FULL: the WAL is fsynced at COMMIT")
        #expect(try m.store.catalog.database.withConnection { try $0.queryFirst("PRAGMA synchronous")?[0].int64 } == 1, "NORMAL again")
        #expect(try m.store.catalog.pending().isEmpty, "the commit cleared the job's directories in its own transaction")
    }

    @Test("files a re-materialization supersedes stay on disk, recorded as retired, until the retention has passed")
    func supersededFilesAreRetired() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let (m, view) = try materialized(f)
        let first = try m.store.catalog.files(view: "driver_stats").map(\.path)
        _ = try m.run(views: [view], interval: .all, trigger: "test")
        let retired = try m.store.catalog.retired()
        #expect(retired.map(\.path).sorted() == first.sorted())
        for path in first { #expect(FileManager.default.fileExists(atPath: f.home + "/" + path)) }
        #expect(try m.store.deleteRetired().isEmpty, "not before the retention (5 minutes)")
        #expect(try m.store.removeOrphans(liveJobs: []).isEmpty, "retired files are not orphans")
        let later = Timestamp.now().adding(.minutes(6))
        #expect(try m.store.deleteRetired(now: later).sorted() == first.sorted())
        for path in first { #expect(!FileManager.default.fileExists(atPath: f.home + "/" + path)) }
        #expect(try m.store.catalog.retired().isEmpty)
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 90)
    }

    @Test("a reader whose listed files are superseded and deleted before it opens them lists again and reads the new ones")
    func readerNeverHitsENOENT() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let (m, view) = try materialized(f)
        // No retention: superseded files are deleted as soon as a cleanup runs.
        let sweeper = try OfflineStore(home: f.home, database: m.registry.database, retention: .seconds(0))
        let raced = LockedValue(0)
        let reader = try OfflineStore(home: f.home, database: m.registry.database, afterListing: { attempt in
            guard attempt == 0 else { return }
            // Between the reader's listing and its reads: a re-materialization commits and the old files go.
            _ = try? m.run(views: [view], interval: .all, trigger: "race")
            let deleted = (try? sweeper.deleteRetired()) ?? []
            raced.value = deleted.count
        })
        let rows = try #require(try reader.read(view: "driver_stats", columns: nil))
        #expect(raced.value == 2, "both listed day files were deleted under the reader")
        #expect(rows.rowCount == 90)
        #expect(OfflineFixture.multiset(rows) == OfflineFixture.multiset(try m.store.read(view: "driver_stats", columns: nil)))
    }

    @Test("of two jobs that read the same live files, the second to commit is refused and commits nothing")
    func lostRaceCommitsNothing() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let (m, _) = try materialized(f)
        let rows = try #require(try m.store.read(view: "driver_stats", columns: nil))
        let a = try m.store.stage(view: "driver_stats", rows: rows, interval: .all, jobID: 901)
        let b = try m.store.stage(view: "driver_stats", rows: rows, interval: .all, jobID: 902)
        try m.store.commit([a], jobID: 901)
        let afterA = try m.store.catalog.files(view: "driver_stats")
        #expect(throws: OfflineConflictError.self) { try m.store.commit([b], jobID: 902) }
        #expect(try m.store.catalog.files(view: "driver_stats") == afterA)
        #expect(afterA.allSatisfy { $0.jobID == 901 })
        m.store.discard(jobID: 902)
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 90)
    }
}
