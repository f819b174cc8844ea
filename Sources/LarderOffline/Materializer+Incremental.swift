public import Larder
import LarderColumnar
import LarderSources

/// Incremental runs: each view from its watermark to an end, plus its late rows — rows that land in the
/// source with an event time behind the watermark. A source with a `created` column gives them away: rows
/// created after the view's created watermark are read whatever their event time, stored as late parts of
/// their days (no other row of those days is rewritten or removed) and written online (never older). A view
/// whose source has no created column re-reads `allowedLateness` behind its watermark instead, replacing that
/// interval. The job row counts the late rows (`larder jobs show`), and says so when a view has neither.
extension Materializer {
    /// Begins `view`'s next incremental run up to `end` (see ``incrementalInterval(for:end:)``); `nil`
    /// when there is nothing to do. Executing it advances the view's watermark to `end`.
    public func beginIncremental(view: FeatureView, end: Timestamp, trigger: String) throws -> BegunJob? {
        let previous = try state.progress(view: view.name)
        guard let interval = try incrementalInterval(for: view, end: end, watermark: previous.watermark) else { return nil }
        return BegunJob(id: try beginJob(views: [view], interval: interval, trigger: trigger), views: [view], interval: interval,
                        watermark: end, previous: previous)
    }

    /// The interval an incremental run of `view` covers up to `end`: from the watermark (minus the view's
    /// allowedLateness), or on the first run from `end - ttl`, or from the source's earliest event when the
    /// view has no ttl. `nil` when there is nothing to do.
    public func incrementalInterval(for view: FeatureView, end: Timestamp) throws -> EventInterval? {
        try incrementalInterval(for: view, end: end, watermark: try state.progress(view: view.name).watermark)
    }

    private func incrementalInterval(for view: FeatureView, end: Timestamp, watermark: Timestamp?) throws -> EventInterval? {
        var start: Timestamp
        if let watermark {
            start = view.allowedLateness.map { watermark.adding(TimeSpan(microseconds: -$0.microseconds)) } ?? watermark
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
    /// replaces rather than duplicates, and reads the same late rows, which are stored once. Views with
    /// nothing to do are skipped.
    public func runIncremental(views: [FeatureView], end: Timestamp, trigger: String, offline: Bool = true, online: Bool = true,
                               progress: @Sendable (MaterializationProgress) -> Void = { _ in }) throws -> [MaterializationReport] {
        var reports: [MaterializationReport] = []
        for view in views {
            guard let job = try beginIncremental(view: view, end: end, trigger: trigger) else { continue }
            reports.append(try execute(job, offline: offline, online: online, progress: progress))
        }
        return reports
    }

    /// Stored rows in the run's interval, and the late rows before it.
    static func split(_ stored: ColumnBatch, before start: Timestamp) throws -> (current: ColumnBatch, late: ColumnBatch) {
        guard let micros = stored.column(named: "event_timestamp")?.timestampMicros else { return (stored, stored.slice(0..<0)) }
        let cut = start.microsecondsSinceEpoch
        let late = (0..<micros.count).filter { micros[$0] < cut }
        if late.isEmpty { return (stored, stored.slice(0..<0)) }
        return (stored.gather((0..<micros.count).filter { micros[$0] >= cut }), stored.gather(late))
    }

    /// What an incremental run of `view` says in its job row when it cannot see late rows.
    static func lateRowsNote(view: FeatureView, rows: SourceRows, watermark: Timestamp?) -> String? {
        let behind = watermark.map { "before \($0.iso8601(fractionalDigits: 0))" } ?? "before this run's interval"
        if let created = view.source.createdTimestampColumn {
            guard rows.batch.rowCount > 0, rows.batch.column(named: created) == nil else { return nil }
            if view.allowedLateness != nil { return nil }
            return "late rows of \(view.name) were not looked for: source \(view.source.name) declares created column \(created) but its rows have none, "
                + "so rows landing with an event time \(behind) are skipped; add the column to the source or declare allowedLateness on the view"
        }
        guard view.allowedLateness == nil else { return nil }
        return "late rows of \(view.name) were not looked for: source \(view.source.name) has no created column and the view declares no "
            + "allowedLateness, so rows landing with an event time \(behind) are skipped; declare created: on the source or allowedLateness: on the view"
    }
}
