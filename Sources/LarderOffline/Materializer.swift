public import Larder
public import LarderColumnar
public import LarderRegistry
public import LarderSources
import Foundation

/// Where materialized rows go besides the offline store — the online store implements it, so this
/// layer does not depend on Redis.
public protocol OnlineSink: Sendable {
    /// Writes the newest row per entity of `rows` (the view's stored schema); returns rows written.
    func write(view: FeatureView, rows: ColumnBatch) throws -> Int
}

/// What one materialization did.
public struct MaterializationReport: Sendable {
    public var jobID: Int64
    public var interval: EventInterval
    public var views: [ViewReport]

    public struct ViewReport: Sendable {
        public var view: String
        public var rowsRead: Int
        public var rowsOffline: Int
        public var rowsOnline: Int
        public var seconds: Double
    }
}

/// A progress update for a terminal: which view, rows so far, and the phase.
public struct MaterializationProgress: Sendable {
    public var view: String
    public var phase: String
    public var rows: Int
    public var elapsed: Double
}

/// Runs a materialization job: for each view, read its source in `[start, end)`, build the stored rows
/// through the view's transform (types and nullability checked), stage them in the offline store, then
/// commit every view at once and write the newest rows online. A bad row stops the job before anything
/// is committed; the error names the file, row and reason.
///
/// ```swift
/// let materializer = try Materializer(repository: repository, home: ".larder", dataDirectory: "data")
/// let report = try materializer.run(views: repository.views, interval: interval, trigger: "manual")
/// ```
public final class Materializer: Sendable {
    public let repository: FeatureRepository
    public let registry: Registry
    public let store: OfflineStore
    public let jobs: JobLog
    public let reader: SourceReader
    public let online: (any OnlineSink)?
    public let state: MaterializationState

    public init(repository: FeatureRepository, home: String, dataDirectory: String, online: (any OnlineSink)? = nil) throws {
        self.repository = repository
        registry = try Registry(home: home)
        store = try OfflineStore(home: home, database: registry.database)
        jobs = try JobLog(database: registry.database)
        state = try MaterializationState(database: registry.database)
        reader = SourceReader(dataDirectory: dataDirectory)
        self.online = online
    }

    /// A job that ``begin(views:interval:trigger:)`` or ``beginIncremental(view:end:trigger:)`` recorded and
    /// locked, waiting for ``execute(_:offline:online:progress:)`` — on this thread or another (the HTTP
    /// routes answer 202 with the id, then execute on a thread of their own).
    public struct BegunJob: Sendable {
        public let id: Int64
        public let views: [FeatureView]
        public let interval: EventInterval
        /// The watermark `execute` advances after a successful run (incremental jobs only).
        public let watermark: Timestamp?
    }

    /// Runs a whole job: ``begin(views:interval:trigger:)`` then ``execute(_:offline:online:progress:)``.
    public func run(views: [FeatureView], interval: EventInterval, trigger: String, offline: Bool = true, online writeOnline: Bool = true,
                    progress: @Sendable (MaterializationProgress) -> Void = { _ in }) throws -> MaterializationReport {
        try execute(try begin(views: views, interval: interval, trigger: trigger), offline: offline, online: writeOnline, progress: progress)
    }

    /// Takes the views' locks (refusing with ``ViewBusyError`` while another run holds one), cleans up
    /// after killed runs, and records the job. ``execute(_:offline:online:progress:)`` must follow (it
    /// releases the locks).
    public func begin(views: [FeatureView], interval: EventInterval, trigger: String) throws -> BegunJob {
        BegunJob(id: try beginJob(views: views, interval: interval, trigger: trigger), views: views, interval: interval, watermark: nil)
    }

    /// Begins `view`'s next incremental run up to `end` (see ``incrementalInterval(for:end:)``); `nil`
    /// when there is nothing to do. Executing it advances the view's watermark to `end`.
    public func beginIncremental(view: FeatureView, end: Timestamp, trigger: String) throws -> BegunJob? {
        guard let interval = try incrementalInterval(for: view, end: end) else { return nil }
        return BegunJob(id: try beginJob(views: [view], interval: interval, trigger: trigger), views: [view], interval: interval, watermark: end)
    }

    private func beginJob(views: [FeatureView], interval: EventInterval, trigger: String) throws -> Int64 {
        guard !interval.isEmpty else {
            throw MaterializationError("the interval \(interval) is empty: the end must be after the start")
        }
        try state.lock(views: views.map(\.name), holder: "a \(trigger) materialization")
        do {
            _ = try jobs.failAbandoned()
            try store.removeOrphans(liveJobs: try jobs.liveRunningJobs())
            return try jobs.start(trigger: trigger, views: views.map(\.name), interval: interval)
        } catch {
            try? state.unlock(views: views.map(\.name))
            throw error
        }
    }

    /// The work of a begun job: read, transform, stage, commit, write online, advance the watermark of an
    /// incremental job; releases the locks.
    public func execute(_ job: BegunJob, offline: Bool = true, online writeOnline: Bool = true,
                        progress: @Sendable (MaterializationProgress) -> Void = { _ in }) throws -> MaterializationReport {
        let report = try execute(jobID: job.id, views: job.views, interval: job.interval, offline: offline, online: writeOnline, progress: progress)
        if let watermark = job.watermark {
            FaultInjection.point("before-watermark")
            try state.setWatermark(view: job.views[0].name, to: watermark)
        }
        return report
    }

    private func execute(jobID: Int64, views: [FeatureView], interval: EventInterval, offline: Bool, online writeOnline: Bool,
                         progress: @Sendable (MaterializationProgress) -> Void) throws -> MaterializationReport {
        defer { try? state.unlock(views: views.map(\.name)) }
        var staged: [OfflineStore.StagedView] = []
        var reports: [MaterializationReport.ViewReport] = []
        var built: [(FeatureView, ColumnBatch)] = []
        do {
            for view in views {
                let started = Date()
                func tick(_ phase: String, _ rows: Int) {
                    progress(MaterializationProgress(view: view.name, phase: phase, rows: rows, elapsed: Date().timeIntervalSince(started)))
                }
                tick("reading \(view.source.name)", 0)
                let (names, types) = ViewRowBuilder.sourceColumns(of: view)
                let rows = try reader.read(view.source, columns: names.isEmpty ? nil : names, types: types, interval: interval)
                tick("transforming", rows.batch.rowCount)
                let stored = try ViewRowBuilder(view: view).build(rows)
                var offlineRows = 0
                if offline && view.offline {
                    tick("writing offline", stored.rowCount)
                    let s = try store.stage(view: view.name, rows: stored, interval: interval, jobID: jobID)
                    staged.append(s)
                    offlineRows = s.rowsWritten
                }
                built.append((view, stored))
                FaultInjection.point("after-read")
                reports.append(.init(view: view.name, rowsRead: rows.batch.rowCount, rowsOffline: offlineRows, rowsOnline: 0,
                                     seconds: Date().timeIntervalSince(started)))
                tick("staged", stored.rowCount)
            }
            FaultInjection.point("after-stage")
            let totals = reports.reduce(into: (read: 0, offline: 0)) { $0.read += $1.rowsRead; $0.offline += $1.rowsOffline }
            let onlineWanted = writeOnline && online != nil
            try store.commit(staged, jobID: jobID) { [jobs] db in
                if !onlineWanted {
                    try JobLog.finish(db, id: jobID, status: .succeeded, rowsRead: Int64(totals.read), rowsOffline: Int64(totals.offline),
                                      rowsOnline: 0, error: nil)
                }
                _ = jobs
            }
        } catch {
            store.discard(jobID: jobID)
            try? jobs.finish(id: jobID, status: .failed, rowsRead: 0, rowsOffline: 0, rowsOnline: 0, error: "\(error)")
            throw error
        }
        FaultInjection.point("after-commit")
        if writeOnline, let online {
            do {
                for (index, (view, stored)) in built.enumerated() where view.online {
                    progress(MaterializationProgress(view: view.name, phase: "writing online", rows: stored.rowCount, elapsed: 0))
                    reports[index].rowsOnline = try online.write(view: view, rows: stored)
                }
                FaultInjection.point("after-online")
                try jobs.finish(id: jobID, status: .succeeded, rowsRead: Int64(reports.reduce(0) { $0 + $1.rowsRead }),
                                rowsOffline: Int64(reports.reduce(0) { $0 + $1.rowsOffline }),
                                rowsOnline: Int64(reports.reduce(0) { $0 + $1.rowsOnline }), error: nil)
            } catch {
                try? jobs.finish(id: jobID, status: .failed, rowsRead: Int64(reports.reduce(0) { $0 + $1.rowsRead }),
                                 rowsOffline: Int64(reports.reduce(0) { $0 + $1.rowsOffline }), rowsOnline: 0,
                                 error: "online write failed after the offline store committed (re-run to retry; writes are idempotent): \(error)")
                throw error
            }
        }
        return MaterializationReport(jobID: jobID, interval: interval, views: reports)
    }
}

extension Materializer {
    /// The interval an incremental run of `view` covers up to `end`: from the watermark (minus the view's
    /// lookback, to pick up late rows), or on the first run from `end - ttl`, or from the source's earliest
    /// event when the view has no ttl. `nil` when there is nothing to do.
    public func incrementalInterval(for view: FeatureView, end: Timestamp) throws -> EventInterval? {
        var start: Timestamp
        if let watermark = try state.watermark(view: view.name) {
            start = view.lookback.map { watermark.adding(TimeSpan(microseconds: -$0.microseconds)) } ?? watermark
        } else if let ttl = view.ttl {
            start = end.adding(TimeSpan(microseconds: -ttl.microseconds))
        } else {
            let times = try reader.read(view.source, columns: [view.source.eventTimestampColumn]).batch
                .column(named: view.source.eventTimestampColumn)?.timestampMicros ?? []
            guard let earliest = times.min() else { return nil }
            start = Timestamp(microsecondsSinceEpoch: earliest)
        }
        return start < end ? EventInterval(start: start, end: end) : nil
    }

    /// Materializes each view from its watermark to `end`, one job per view, and advances the watermark
    /// only after the job (offline and online) succeeded — a crash re-runs the same interval, which
    /// replaces rather than duplicates. Views with nothing to do are skipped.
    public func runIncremental(views: [FeatureView], end: Timestamp, trigger: String, offline: Bool = true, online: Bool = true,
                               progress: @Sendable (MaterializationProgress) -> Void = { _ in }) throws -> [MaterializationReport] {
        var reports: [MaterializationReport] = []
        for view in views {
            guard let job = try beginIncremental(view: view, end: end, trigger: trigger) else { continue }
            reports.append(try execute(job, offline: offline, online: online, progress: progress))
        }
        return reports
    }
}

/// A materialization request that cannot run.
public struct MaterializationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
