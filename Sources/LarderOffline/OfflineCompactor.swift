public import Larder
public import LarderRegistry
import LarderColumnar
import LarderParquet
import Foundation

/// Merges a day's small files of one kind into one file, atomically: one catalog transaction swaps the N rows
/// for 1 and retires the N files (deleted after the store's retention), so a reader sees either the parts or
/// the merged file, never both or neither. A kill before the commit leaves an orphan that cleanup deletes.
///
/// Push parts are compacted without the view's lock: only pushes add them and only compactions replace them,
/// and a compaction that lost a race to another one commits nothing (``OfflineConflictError``). Source files
/// (a materialization's day file plus late-row parts) are compacted under the view's lock, like a
/// materialization.
///
/// ```swift
/// let compactor = OfflineCompactor(store: store, jobs: jobs, state: state)
/// let merged = try compactor.compact(view: "driver_stats", kind: .push, policy: .afterFlush)
/// ```
public struct OfflineCompactor: Sendable {
    public let store: OfflineStore
    public let jobs: JobLog
    public let state: MaterializationState

    /// Which days are compacted.
    public struct Policy: Sendable, Equatable {
        /// A day is compacted once it has more than this many small files of one kind.
        public var maxSmallFiles: Int
        /// Files with fewer rows than this are small; larger ones are left alone, so a day that keeps receiving
        /// pushes does not rewrite its big files over and over.
        public var smallFileRows: Int

        public init(maxSmallFiles: Int, smallFileRows: Int) {
            self.maxSmallFiles = maxSmallFiles
            self.smallFileRows = smallFileRows
        }

        /// After push flushes and scheduled runs: more than 16 files under 250,000 rows.
        public static let automatic = Policy(maxSmallFiles: 16, smallFileRows: 250_000)
        /// `larder compact`: every day with more than one file of a kind.
        public static let everything = Policy(maxSmallFiles: 1, smallFileRows: .max)
    }

    /// One merge that committed.
    public struct Compaction: Sendable, Equatable {
        public var view: String
        public var day: Timestamp
        public var kind: OfflineFileKind
        public var filesMerged: Int
        public var rows: Int
        public var jobID: Int64
    }

    public init(store: OfflineStore, jobs: JobLog, state: MaterializationState) {
        self.store = store
        self.jobs = jobs
        self.state = state
    }

    /// Compacts `view`'s days whose files of `kind` the policy selects; source files only while holding the
    /// view's lock (``ViewBusyError`` while a materialization runs). Returns the merges that committed.
    @discardableResult
    public func compact(view: String, kind: OfflineFileKind, policy: Policy) throws -> [Compaction] {
        let candidates = try days(view: view, kind: kind, policy: policy)
        guard !candidates.isEmpty else { return [] }
        if kind == .source { try state.lock(views: [view], holder: "a compaction") }
        defer { if kind == .source { try? state.unlock(views: [view]) } }
        _ = try jobs.failAbandoned()
        try store.removeOrphans(liveJobs: try jobs.liveRunningJobs())
        // Listed again: under the lock, or after another process's compaction.
        return try days(view: view, kind: kind, policy: policy).compactMap { try merge(view: view, kind: kind, files: $0) }
    }

    /// The small files of each day the policy selects.
    private func days(view: String, kind: OfflineFileKind, policy: Policy) throws -> [[OfflineCatalog.FileEntry]] {
        let small = try store.catalog.files(view: view).filter { $0.kind == kind && $0.rowCount < policy.smallFileRows }
        return Dictionary(grouping: small, by: \.day).values.filter { $0.count > policy.maxSmallFiles }.sorted { $0[0].day < $1[0].day }
    }

    private func readPart(_ path: String) throws -> ColumnBatch {
        try ParquetFile.read(store.home + "/" + path)
    }

    private func merge(view: String, kind: OfflineFileKind, files: [OfflineCatalog.FileEntry]) throws -> Compaction? {
        let day = files[0].day
        let id = try jobs.start(trigger: "compaction", views: [view], interval: EventInterval(start: day, end: day.adding(.days(1))))
        let rows: Int
        do {
            try store.catalog.markPending(jobID: id, view: view, days: [day])
            var batches: [ColumnBatch] = []
            for file in files {
                // A part gone from disk was merged and deleted by a compaction that won the race.
                guard access(store.home + "/" + file.path, F_OK) == 0 else { throw OfflineConflictError(view: view, path: file.path) }
                batches.append(try readPart(file.path))
            }
            let names = batches[0].schema.names
            let merged = try ColumnBatch.concatenate(try batches.map { try $0.selecting(names) })
            rows = merged.rowCount
            let staged = try store.write(view: view, day: day, parts: [merged], kind: kind, role: "compact", jobID: id,
                                         replacing: files.map(\.path))
            FaultInjection.point("compaction-before-commit")
            try store.commit([OfflineStore.StagedView(view: view, interval: nil, files: [staged], rowsWritten: rows)], jobID: id) { db in
                try JobLog.finish(db, id: id, status: .succeeded, rowsRead: Int64(rows), rowsOffline: Int64(rows), rowsOnline: 0, error: nil,
                                  note: "merged \(files.count) \(kind.rawValue) files of \(OfflineStore.dayName(day))")
            }
        } catch let conflict as OfflineConflictError {
            store.discard(jobID: id)
            try? jobs.finish(id: id, status: .failed, rowsRead: 0, rowsOffline: 0, rowsOnline: 0, error: conflict.description)
            return nil
        } catch {
            store.discard(jobID: id)
            try? jobs.finish(id: id, status: .failed, rowsRead: 0, rowsOffline: 0, rowsOnline: 0, error: "\(error)")
            throw error
        }
        FaultInjection.point("compaction-after-commit")
        return Compaction(view: view, day: day, kind: kind, filesMerged: files.count, rows: rows, jobID: id)
    }
}
