import Foundation
import Larder
public import LarderColumnar
public import LarderOffline
public import LarderRegistry

/// Pushed rows waiting for the offline store: committed per view as one job (appended to the day files,
/// never replacing stored rows) when a view's buffer reaches `maxRows`, when its oldest row waited
/// `maxAge`, and on shutdown. Commits run on a dedicated thread (Parquet and SQLite block).
public actor OfflinePushBuffer {
    private let store: OfflineStore
    private let jobs: JobLog
    public let maxRows: Int
    public let maxAge: Duration
    private var pending: [String: (rows: [ColumnBatch], count: Int, since: ContinuousClock.Instant)] = [:]

    public init(store: OfflineStore, jobs: JobLog, maxRows: Int = 50_000, maxAge: Duration = .seconds(10)) {
        self.store = store
        self.jobs = jobs
        self.maxRows = maxRows
        self.maxAge = maxAge
    }

    public func append(view: String, rows: ColumnBatch) async throws {
        var entry = pending[view] ?? ([], 0, .now)
        entry.rows.append(rows)
        entry.count += rows.rowCount
        pending[view] = entry
        if entry.count >= maxRows { try await flush(view: view) }
    }

    /// Rows waiting, per view.
    public var pendingRows: [String: Int] { pending.mapValues(\.count) }

    /// Commits views whose oldest row waited `maxAge` (all views with `all`).
    public func flushDue(all: Bool = false) async throws {
        let now = ContinuousClock.now
        for (view, entry) in pending where all || now - entry.since >= maxAge { try await flush(view: view) }
    }

    private func flush(view: String) async throws {
        guard let entry = pending.removeValue(forKey: view), entry.count > 0 else { return }
        let store = self.store, jobs = self.jobs
        let batch = try ColumnBatch.concatenate(entry.rows)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let times = batch.column(named: "event_timestamp")!.timestampMicros
                    let interval = EventInterval(start: Timestamp(microsecondsSinceEpoch: times.min() ?? 0),
                                                 end: Timestamp(microsecondsSinceEpoch: (times.max() ?? 0) + 1))
                    let id = try jobs.start(trigger: "push", views: [view], interval: interval)
                    do {
                        let staged = try store.stage(view: view, rows: batch, interval: interval, jobID: id, replacing: false)
                        try store.commit([staged], jobID: id) { db in
                            try JobLog.finish(db, id: id, status: .succeeded, rowsRead: Int64(batch.rowCount),
                                              rowsOffline: Int64(batch.rowCount), rowsOnline: 0, error: nil)
                        }
                    } catch {
                        store.discard(jobID: id)
                        try? jobs.finish(id: id, status: .failed, rowsRead: Int64(batch.rowCount), rowsOffline: 0, rowsOnline: 0, error: "\(error)")
                        throw error
                    }
                })
            }
        }
    }
}
