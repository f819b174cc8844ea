public import LarderColumnar
public import LarderRegistry
import Larder

/// Commits pushed rows to the offline store as one job: a part file per UTC day the rows fall in
/// (`push-j<job>.parquet`), added to the catalog in one durable transaction together with the job's success.
/// Stored rows are never read or rewritten, and no materialization replaces push parts, so a push and a
/// materialization of one view touch disjoint catalog rows and need no common lock. When the call returns,
/// the rows are on disk and listed; when it throws, nothing of them is.
///
/// ```swift
/// let writer = OfflinePushWriter(store: store, jobs: jobs)
/// let job = try writer.commit(view: "driver_stats", rows: stored)
/// ```
public struct OfflinePushWriter: Sendable {
    public let store: OfflineStore
    public let jobs: JobLog

    public init(store: OfflineStore, jobs: JobLog) {
        self.store = store
        self.jobs = jobs
    }

    /// Commits `rows` (the view's stored schema) and returns the job's id.
    @discardableResult
    public func commit(view: String, rows: ColumnBatch) throws -> Int64 {
        // A flush killed before its commit left part files and a running job: clean them up first.
        _ = try jobs.failAbandoned()
        try store.removeOrphans(liveJobs: try jobs.liveRunningJobs())
        let times = rows.column(named: "event_timestamp")?.timestampMicros ?? []
        let interval = EventInterval(start: Timestamp(microsecondsSinceEpoch: times.min() ?? 0),
                                     end: Timestamp(microsecondsSinceEpoch: (times.max() ?? 0) &+ 1))
        let id = try jobs.start(trigger: "push", views: [view], interval: interval)
        let count = Int64(rows.rowCount)
        do {
            let staged = try store.stageParts(view: view, rows: rows, kind: .push, role: "push", jobID: id)
            FaultInjection.point("push-before-commit")
            try store.commit([staged], jobID: id) { db in
                try JobLog.finish(db, id: id, status: .succeeded, rowsRead: count, rowsOffline: count, rowsOnline: 0, error: nil)
            }
        } catch {
            store.discard(jobID: id)
            try? jobs.finish(id: id, status: .failed, rowsRead: count, rowsOffline: 0, rowsOnline: 0, error: "\(error)")
            throw error
        }
        FaultInjection.point("push-after-commit")
        return id
    }
}
