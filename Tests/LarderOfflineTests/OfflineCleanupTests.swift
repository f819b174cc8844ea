import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderRegistry
import Testing

@Suite("Offline store cleanup after unfinished jobs")
struct OfflineCleanupTests {
    /// A materialized store over two days of driver rows (2026-01-01 and 2026-01-02).
    private func materialized(_ f: OfflineFixture) throws -> Materializer {
        try f.writeDrivers(hours: 30)
        let view = OfflineFixture.view()
        let m = try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data)
        _ = try m.run(views: [view], interval: .all, trigger: "test")
        return m
    }

    /// A file no catalog row names, in a day directory no job touched.
    private func plantStray(_ f: OfflineFixture) throws -> String {
        let directory = f.home + "/offline/driver_stats/date=2025-06-01"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/stray.parquet"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("not parquet".utf8)))
        return path
    }

    @Test("a finished job leaves nothing pending; a killed job's files are removed from its own directories only")
    func killedJobIsCleanedWhereItWrote() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let m = try materialized(f)
        #expect(try m.store.catalog.pending().isEmpty)
        let stray = try plantStray(f)
        let committed = try m.store.catalog.files(view: "driver_stats")

        // Job 999 stages and is killed before its commit.
        let rows = try #require(try m.store.read(view: "driver_stats", columns: nil))
        _ = try m.store.stage(view: "driver_stats", rows: rows, interval: .all, jobID: 999)
        #expect(try m.store.catalog.pending().map(\.day) == [ts("2026-01-01"), ts("2026-01-02")])
        #expect(try m.store.catalog.pending().allSatisfy { $0.jobID == 999 && $0.view == "driver_stats" })

        let removed = try m.store.removeOrphans(liveJobs: [])
        #expect(removed == ["offline/driver_stats/date=2026-01-01/part-j999.parquet", "offline/driver_stats/date=2026-01-02/part-j999.parquet"])
        #expect(FileManager.default.fileExists(atPath: stray), "directories no unfinished job wrote into are not walked")
        #expect(try m.store.catalog.pending().isEmpty)
        #expect(try m.store.catalog.files(view: "driver_stats") == committed)
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 90)
        #expect(try m.store.removeOrphans(liveJobs: []).isEmpty)
    }

    @Test("the files of a job still running in a live process are kept until it is no longer live")
    func liveJobIsLeftAlone() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let m = try materialized(f)
        let rows = try #require(try m.store.read(view: "driver_stats", columns: nil))
        let staged = try m.store.stage(view: "driver_stats", rows: rows, interval: .all, jobID: 999)
        #expect(try m.store.removeOrphans(liveJobs: [999]).isEmpty)
        for file in staged.files { #expect(FileManager.default.fileExists(atPath: f.home + "/" + (file.path ?? ""))) }
        #expect(try m.store.removeOrphans(liveJobs: []).count == 2)
    }

    @Test("a failed job's discard removes what it staged and what it wrote before failing")
    func discardRemovesPartialFiles() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let m = try materialized(f)
        let rows = try #require(try m.store.read(view: "driver_stats", columns: nil))
        let staged = try m.store.stage(view: "driver_stats", rows: rows, interval: .all, jobID: 998)
        // A second view's stage that failed halfway: one file written, no StagedView returned.
        try m.store.catalog.markPending(jobID: 998, view: "other", days: [ts("2026-01-05")])
        let partialDirectory = f.home + "/offline/other/date=2026-01-05"
        try FileManager.default.createDirectory(atPath: partialDirectory, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: partialDirectory + "/part-j998.parquet", contents: Data("half".utf8)))

        m.store.discard(jobID: 998)
        for file in staged.files { #expect(!FileManager.default.fileExists(atPath: f.home + "/" + (file.path ?? ""))) }
        #expect(!FileManager.default.fileExists(atPath: partialDirectory + "/part-j998.parquet"))
        #expect(try m.store.catalog.pending().isEmpty)
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 90)
    }

    @Test("a store from before cleanup was tracked is walked whole once, then only where jobs wrote")
    func untrackedStoreIsWalkedOnce() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let m = try materialized(f)
        // As a registry.db from before schema versions and pending tracking: migration 1 notices.
        try m.store.catalog.database.withConnection { db in try db.execute("DROP TABLE offline_pending; PRAGMA user_version = 0") }
        let reopened = try OfflineStore(home: f.home, database: try Registry(home: f.home).database)
        #expect(try reopened.catalog.pending().map(\.view) == ["*"])

        let stray = try plantStray(f)
        #expect(try reopened.removeOrphans(liveJobs: []) == ["offline/driver_stats/date=2025-06-01/stray.parquet"])
        #expect(!FileManager.default.fileExists(atPath: stray))
        #expect(try reopened.catalog.pending().isEmpty)
        _ = try plantStray(f)
        #expect(try reopened.removeOrphans(liveJobs: []).isEmpty, "the whole-tree walk happens once")
        #expect(try reopened.read(view: "driver_stats", columns: nil)?.rowCount == 90)
    }

    @Test("a job that started after the cleanup read the live jobs is still not cleaned under: its files and directories are kept")
    func jobStartedDuringCleanupIsLeftAlone() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        let m = try materialized(f)
        let rows = try #require(try m.store.read(view: "driver_stats", columns: nil))
        // Running in this (live) process, but absent from the `liveJobs` the cleanup was handed.
        let job = try m.jobs.start(trigger: "test", views: ["driver_stats"], interval: .all)
        let staged = try m.store.stage(view: "driver_stats", rows: rows, interval: .all, jobID: job)
        #expect(try m.store.removeOrphans(liveJobs: []).isEmpty)
        for file in staged.files { #expect(FileManager.default.fileExists(atPath: f.home + "/" + (file.path ?? ""))) }
        #expect(try m.store.catalog.pending().count == 2, "its directories stay on the cleanup list")
        try m.store.commit([staged], jobID: job)
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 90)
    }
}
