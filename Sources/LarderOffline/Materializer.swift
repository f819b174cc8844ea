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
    /// Replaces an aggregation view's online tiles with ones built from `events`, its whole stored event history
    /// (join keys, `event_timestamp`, `created`, event columns), as they stand now; returns the entities written.
    func writeTiles(view: AggregationView, events: ColumnBatch) throws -> Int
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
        /// Rows taken whose event time was behind the view's watermark (incremental runs).
        public var rowsLate: Int
        /// The greatest source `created` time the run saw, for the view's created watermark.
        public var maxCreated: Int64?
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
/// through the view's transform (types and nullability checked), check its expectations, stage them in the offline
/// store, then commit every view at once and write the newest rows online. A bad row or a failed expectation of
/// severity `fail` stops the job before anything is committed; the error names the file, row and reason (or the
/// expectation, its failing rows and examples).
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
        /// Where the view stood before this incremental run: rows behind its watermark are late, and rows
        /// created after its created watermark are read whatever their event time.
        public let previous: MaterializationState.Progress?
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
        BegunJob(id: try beginJob(views: views, interval: interval, trigger: trigger), views: views, interval: interval, watermark: nil,
                 previous: nil)
    }

    func beginJob(views: [FeatureView], interval: EventInterval, trigger: String) throws -> Int64 {
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
        let report = try execute(jobID: job.id, views: job.views, interval: job.interval, previous: job.previous, offline: offline,
                                 online: writeOnline, progress: progress)
        if let watermark = job.watermark {
            FaultInjection.point("before-watermark")
            // The created watermark moves with the watermark, after the online write: a run killed between its
            // offline commit and here reads the same late rows again, writes them online (never older, so
            // idempotent) and finds them stored offline already (``StoredRowIdentity``), taking none twice.
            let created = [job.previous?.createdWatermark, report.views[0].maxCreated].compactMap { $0 }.max()
            try state.setWatermark(view: job.views[0].name, to: watermark, createdWatermark: created)
        }
        return report
    }

    private func execute(jobID: Int64, views: [FeatureView], interval: EventInterval, previous: MaterializationState.Progress?,
                         offline: Bool, online writeOnline: Bool,
                         progress: @Sendable (MaterializationProgress) -> Void) throws -> MaterializationReport {
        defer { try? state.unlock(views: views.map(\.name)) }
        var staged: [OfflineStore.StagedView] = []
        var reports: [MaterializationReport.ViewReport] = []
        var built: [(FeatureView, ColumnBatch)] = []
        var notes: [String] = []
        do {
            for view in views {
                let started = Date()
                func tick(_ phase: String, _ rows: Int) {
                    progress(MaterializationProgress(view: view.name, phase: phase, rows: rows, elapsed: Date().timeIntervalSince(started)))
                }
                tick("reading \(view.source.name)", 0)
                let (names, types) = ViewRowBuilder.sourceColumns(of: view)
                // Incremental runs also take the rows created since the last run behind the interval (late rows) —
                // since allowedLateness before it, for rows that reach the source later than their created time.
                let lateRead = previous.map { previous in
                    SourceReader.LateRows(createdAfter: previous.createdWatermark.map { $0 &- (view.allowedLateness?.microseconds ?? 0) })
                }
                let rows = try reader.read(view.source, columns: names.isEmpty ? nil : names, types: types, interval: interval, late: lateRead)
                if let previous, let note = Self.lateRowsNote(view: view, rows: rows, watermark: previous.watermark) { notes.append(note) }
                tick("transforming", rows.batch.rowCount)
                let stored = try ViewRowBuilder(view: view).build(rows)
                if let warning = try checkExpectations(view, rows: stored, interval: interval, jobID: jobID) { notes.append(warning) }
                let (current, late) = try Self.split(stored, before: interval.start)
                var offlineRows = 0
                var lateRows = late.rowCount
                if offline && view.offline {
                    tick("writing offline", stored.rowCount)
                    let s = try store.stage(view: view.name, rows: current, interval: interval, jobID: jobID)
                    staged.append(s)
                    offlineRows = s.rowsWritten
                    // Late rows join their days as parts of their own, without rewriting the days.
                    let fresh = try StoredRowIdentity.unstored(late, view: view, store: store)
                    lateRows = fresh.rowCount
                    if fresh.rowCount > 0 {
                        staged.append(try store.stageParts(view: view.name, rows: fresh, kind: .source, role: "late", jobID: jobID))
                        offlineRows += fresh.rowCount
                    }
                    // An allowedLateness re-read replaces the interval behind the watermark: its new rows are late too.
                    if let watermark = previous?.watermark, interval.start < watermark {
                        lateRows += try StoredRowIdentity.unstoredCount(current, in: EventInterval(start: interval.start, end: watermark),
                                                                        view: view, store: store)
                    }
                }
                built.append((view, stored))
                FaultInjection.point("after-read")
                reports.append(.init(view: view.name, rowsRead: rows.batch.rowCount, rowsOffline: offlineRows, rowsOnline: 0,
                                     rowsLate: previous == nil ? 0 : lateRows, maxCreated: rows.maxCreated,
                                     seconds: Date().timeIntervalSince(started)))
                tick("staged", stored.rowCount)
            }
            FaultInjection.point("after-stage")
            let totals = reports.reduce(into: (read: 0, offline: 0)) { $0.read += $1.rowsRead; $0.offline += $1.rowsOffline }
            let onlineWanted = writeOnline && online != nil
            try store.commit(staged, jobID: jobID) { db in
                if !onlineWanted {
                    try JobLog.finish(db, id: jobID, status: .succeeded, rowsRead: Int64(totals.read), rowsOffline: Int64(totals.offline),
                                      rowsOnline: 0, rowsLate: Int64(reports.reduce(0) { $0 + $1.rowsLate }), error: nil,
                                      note: notes.isEmpty ? nil : notes.joined(separator: "; "))
                }
            }
        } catch {
            store.discard(jobID: jobID)
            try? jobs.finish(id: jobID, status: .failed, rowsRead: 0, rowsOffline: 0, rowsOnline: 0, error: "\(error)")
            throw error
        }
        FaultInjection.point("after-commit")
        if writeOnline, let online {
            do {
                for (index, (view, stored)) in built.enumerated() {
                    if view.online {
                        progress(MaterializationProgress(view: view.name, phase: "writing online", rows: stored.rowCount, elapsed: 0))
                        reports[index].rowsOnline = try online.write(view: view, rows: stored)
                    } else if let aggregation = repository.aggregationView(named: view.name) {
                        // Tiles are rebuilt from every stored event, so late events committed by this run (pushed
                        // or from the source) are counted, and a changed history leaves nothing stale. A run that
                        // stores nothing offline builds them from the events it read.
                        progress(MaterializationProgress(view: view.name, phase: "writing tiles", rows: 0, elapsed: 0))
                        let columns = aggregation.joinKeys + ["event_timestamp", "created"] + aggregation.events.map(\.name)
                        let events = offline
                            ? try store.read(view: view.name, columns: columns) ?? ViewRowBuilderSchema.stored(view).selecting(columns)
                            : try stored.selecting(columns)
                        reports[index].rowsOnline = try online.writeTiles(view: aggregation, events: events)
                    }
                }
                FaultInjection.point("after-online")
                try jobs.finish(id: jobID, status: .succeeded, rowsRead: Int64(reports.reduce(0) { $0 + $1.rowsRead }),
                                rowsOffline: Int64(reports.reduce(0) { $0 + $1.rowsOffline }),
                                rowsOnline: Int64(reports.reduce(0) { $0 + $1.rowsOnline }),
                                rowsLate: Int64(reports.reduce(0) { $0 + $1.rowsLate }), error: nil,
                                note: notes.isEmpty ? nil : notes.joined(separator: "; "))
            } catch {
                try? jobs.finish(id: jobID, status: .failed, rowsRead: Int64(reports.reduce(0) { $0 + $1.rowsRead }),
                                 rowsOffline: Int64(reports.reduce(0) { $0 + $1.rowsOffline }), rowsOnline: 0,
                                 rowsLate: Int64(reports.reduce(0) { $0 + $1.rowsLate }),
                                 error: "online write failed after the offline store committed (re-run to retry; writes are idempotent): \(error)")
                throw error
            }
        }
        return MaterializationReport(jobID: jobID, interval: interval, views: reports)
    }
}

/// A materialization request that cannot run.
public struct MaterializationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
