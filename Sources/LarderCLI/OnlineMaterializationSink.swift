import Dispatch
import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderOnline
import LarderRegistry

/// Writes materialized rows to Redis: the newest row per entity (by event time, then created), through
/// the online store's never-older rule, so re-running or running out of order cannot regress a value.
struct OnlineMaterializationSink: OnlineSink {
    let store: RedisOnlineStore
    let project: String

    func write(view: FeatureView, rows: ColumnBatch) throws -> Int {
        let latest = try LatestRows.select(rows, keys: view.joinKeys)
        let layout = OnlineViewLayout(project: project, view: view.name, joinKeys: view.joinKeys,
                                      features: view.fields.map { (name: $0.name, type: $0.type) }, ttl: view.ttl, keyExpiry: false)
        let online = try OnlineRowsConversion.rows(latest, view: view)
        return try waiting { try await store.write(layout, rows: online) }.written
    }

    func writeTiles(view: AggregationView, events: ColumnBatch) throws -> Int {
        let spec = AggregationViewSpec(view)
        let layout = try AggregateTileLayout(spec: spec, joinKeys: view.joinKeys, project: project)
        let rows = try AggregateEvents(batch: events, layout: layout)
        return try waiting { try await store.replaceTiles(layout, events: rows, now: .now()) }
    }

    /// Runs an online store call from the materializer's blocking thread and waits for its result.
    private func waiting<T: Sendable>(_ call: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.set(.success(try await call())) } catch { box.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        return try box.get()
    }
}

/// Carries an async result back to the blocking caller.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    // Written once by the task before the semaphore signals, read after the wait.
    private var result: Result<T, any Error>?
    func set(_ r: Result<T, any Error>) { result = r }
    func get() throws -> T { try result!.get() }
}
