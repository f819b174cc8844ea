public import Larder
import Foundation
import LarderRegistry

extension QualityLog {
    /// Records a pushed batch that failed an expectation as a `push` job of its own — `failed` with the error when one
    /// of severity `fail` failed (the push was refused), else `succeeded` with a note naming the warnings — with every
    /// result of `report` under it, in one transaction on the database's queue. Pushes that pass every expectation
    /// record nothing (a job per clean push would flood the job log). Returns the job id.
    ///
    /// ```swift
    /// if report.results.contains(where: { !$0.passed }) {
    ///     _ = try await quality.recordPush(report, rows: batch.rowCount, interval: interval)
    /// }
    /// ```
    public func recordPush(_ report: QualityReport, rows: Int, interval: EventInterval, now: Timestamp = .now()) async throws -> Int64 {
        let failed = !report.failures.isEmpty
        let error = failed ? QualityExpectationError(view: report.view, failures: report.failures).description : nil
        let warnings = report.warnings
        let note = warnings.isEmpty ? nil
            : "\(report.view): push with \(warnings.count) expectation warning\(warnings.count == 1 ? "" : "s") ("
                + warnings.map { $0.failingRows > 0 ? "\($0.expectation) on \($0.failingRows) rows" : $0.expectation }.joined(separator: ", ") + ")"
        return try await database.write { db in
            try db.execute("""
                INSERT INTO jobs(trigger, views, start, end, status, started_at, pid) VALUES ('push', ?, ?, ?, 'running', ?, ?)
                """, [.text(report.view), .integer(interval.start.microsecondsSinceEpoch), .integer(interval.end.microsecondsSinceEpoch),
                      .integer(now.microsecondsSinceEpoch), .integer(Int64(ProcessInfo.processInfo.processIdentifier))])
            let id = db.lastInsertRowID
            try JobLog.finish(db, id: id, status: failed ? .failed : .succeeded, rowsRead: Int64(rows), rowsOffline: 0, rowsOnline: 0,
                              error: error, note: note, now: now)
            try Self.insert(db, report, jobID: id, now: now)
            return id
        }
    }
}
