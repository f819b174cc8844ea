import Foundation
public import Larder
public import LarderColumnar
public import LarderOffline
public import LarderRegistry

/// Pushed rows on their way to the offline store. ``append(view:rows:)`` returns once its rows are committed
/// — written, fsynced and listed in the catalog by one durable transaction (``OfflinePushWriter``) — so an
/// acknowledged push survives a `kill -9` or a power cut. Pushes that arrive while a view's flush runs wait
/// for the next one, which commits them together (group commit): a view never has two flushes running, and
/// concurrent pushers share one commit. A failed flush keeps its rows queued and is retried with exponential
/// backoff; only after `retry.attempts` failures are its pushers answered with ``OfflinePushError`` (their
/// rows are then not stored: nothing is both refused and kept). After a flush, days with too many small push
/// parts are compacted (``OfflineCompactor``). Commits run on a dedicated thread (Parquet and SQLite block).
///
/// ```swift
/// let buffer = OfflinePushBuffer(store: store, jobs: jobs)
/// try await buffer.append(view: "driver_stats", rows: stored)   // committed when it returns
/// ```
public actor OfflinePushBuffer {
    /// How a failed flush is retried.
    public struct RetryPolicy: Sendable {
        /// Attempts per flush, the first included, before its pushers get the error.
        public var attempts: Int
        /// The wait before the first retry; doubled for each next one, up to `maxBackoff`.
        public var backoff: Duration
        public var maxBackoff: Duration

        public init(attempts: Int = 6, backoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(5)) {
            self.attempts = max(1, attempts)
            self.backoff = backoff
            self.maxBackoff = maxBackoff
        }
    }

    /// What a flush did, for logs and tests.
    public enum Event: Sendable, Equatable {
        case committed(view: String, rows: Int, pushes: Int, job: Int64)
        case failed(view: String, rows: Int, attempt: Int, error: String, retryIn: Duration)
        case gaveUp(view: String, rows: Int, attempts: Int, error: String)
        case compacted(view: String, day: Timestamp, files: Int, rows: Int)
        case compactionFailed(view: String, error: String)
    }

    private struct Waiting {
        var rows: ColumnBatch
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let store: OfflineStore
    private let jobs: JobLog
    /// Rows one flush commits at most (more pushes wait for the next flush).
    public let maxRows: Int
    public let retry: RetryPolicy
    public let compaction: OfflineCompactor.Policy
    private let onEvent: @Sendable (Event) -> Void
    private var queues: [String: [Waiting]] = [:]
    private var flushing: Set<String> = []
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    public init(store: OfflineStore, jobs: JobLog, maxRows: Int = 50_000, retry: RetryPolicy = RetryPolicy(),
                compaction: OfflineCompactor.Policy = .automatic, onEvent: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.store = store
        self.jobs = jobs
        self.maxRows = max(1, maxRows)
        self.retry = retry
        self.compaction = compaction
        self.onEvent = onEvent
    }

    /// Queues `rows` (the view's stored schema) and returns once they are committed; throws
    /// ``OfflinePushError`` when every attempt to commit them failed (nothing of them is stored then).
    public func append(view: String, rows: ColumnBatch) async throws {
        guard rows.rowCount > 0 else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queues[view, default: []].append(Waiting(rows: rows, continuation: continuation))
            if flushing.insert(view).inserted {
                Task { await self.flushLoop(view: view) }
            }
        }
    }

    /// Rows waiting for a commit, per view.
    public var pendingRows: [String: Int] { queues.mapValues { $0.reduce(0) { $0 + $1.rows.rowCount } }.filter { $0.value > 0 } }

    /// Returns once every queued push is committed or refused (on shutdown).
    public func drain() async {
        guard !flushing.isEmpty else { return }
        await withCheckedContinuation { drainWaiters.append($0) }
    }

    /// Commits a view's queue head by head until it is empty; the only flush of that view while it runs.
    private func flushLoop(view: String) async {
        var attempt = 0
        while let queue = queues[view], !queue.isEmpty {
            // The head's pushes, up to maxRows (at least one). They stay queued until their commit succeeds.
            var take = 0, rows = 0
            while take < queue.count && (take == 0 || rows + queue[take].rows.rowCount <= maxRows) {
                rows += queue[take].rows.rowCount
                take += 1
            }
            let batches = queue[..<take].map(\.rows)
            let writer = OfflinePushWriter(store: store, jobs: jobs)
            do {
                let job = try await Self.onDedicatedThread { try writer.commit(view: view, rows: try ColumnBatch.concatenate(batches)) }
                for waiting in finish(view: view, count: take) { waiting.continuation.resume() }
                attempt = 0
                onEvent(.committed(view: view, rows: rows, pushes: take, job: job))
                await compact(view: view)
            } catch {
                attempt += 1
                if attempt >= retry.attempts {
                    let refusal = OfflinePushError(view: view, attempts: attempt, reason: "\(error)")
                    for waiting in finish(view: view, count: take) { waiting.continuation.resume(throwing: refusal) }
                    onEvent(.gaveUp(view: view, rows: rows, attempts: attempt, error: "\(error)"))
                    attempt = 0
                } else {
                    let wait = min(retry.backoff * (1 << min(attempt - 1, 20)), retry.maxBackoff)
                    onEvent(.failed(view: view, rows: rows, attempt: attempt, error: "\(error)", retryIn: wait))
                    try? await Task.sleep(for: wait)
                }
            }
        }
        queues[view] = nil
        flushing.remove(view)
        if flushing.isEmpty {
            for waiter in drainWaiters { waiter.resume() }
            drainWaiters = []
        }
    }

    /// Removes and returns the first `count` pushes of a view's queue.
    private func finish(view: String, count: Int) -> [Waiting] {
        let done = Array(queues[view]?.prefix(count) ?? [])
        queues[view]?.removeFirst(done.count)
        return done
    }

    /// Merges the view's small push parts when a day has too many; a failure is reported, the pushes are not.
    private func compact(view: String) async {
        let store = self.store, jobs = self.jobs, policy = compaction
        do {
            let merged = try await Self.onDedicatedThread {
                try OfflineCompactor(store: store, jobs: jobs, state: try MaterializationState(database: store.catalog.database))
                    .compact(view: view, kind: .push, policy: policy)
            }
            for m in merged { onEvent(.compacted(view: view, day: m.day, files: m.filesMerged, rows: m.rows)) }
        } catch {
            onEvent(.compactionFailed(view: view, error: "\(error)"))
        }
    }

    /// Runs blocking work on its own thread, off Swift's cooperative pool and NIO's event loops.
    private static func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// Pushed rows could not be committed to the offline store after every retry; none of them is stored.
public struct OfflinePushError: Error, Sendable, CustomStringConvertible {
    public var view: String
    public var attempts: Int
    public var reason: String
    public var description: String {
        "the offline store did not take the pushed rows of \(view) (\(attempts) attempts, last: \(reason)); none of them is stored — push them again"
    }
}
