public import Larder
public import LarderRegistry
import Foundation

/// Stored expectation results (`quality_results` in `registry.db`): one row per expectation checked per view and job.
/// Materializations record every result of every checked view; a push that failed an expectation is recorded as a
/// `push` job of its own with its results (``recordPush(_:rows:interval:now:)``). `larder quality` reads them.
///
/// ```swift
/// let log = QualityLog(database: registry.database)
/// try log.record(report, jobID: 42)
/// let latest = try log.results(view: "driver_stats")   // the newest job's results per view
/// let ofJob = try log.results(jobID: 42)
/// ```
public struct QualityLog: Sendable {
    public let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// One stored result.
    public struct Entry: Sendable, Equatable, Codable {
        public var jobID: Int64
        public var view: String
        public var result: ExpectationResult
        public var checkedAt: Timestamp
    }

    /// Stores every result of `report` under `jobID`.
    public func record(_ report: QualityReport, jobID: Int64, now: Timestamp = .now()) throws {
        guard !report.results.isEmpty else { return }
        try database.withConnection { db in try db.transaction { db in try Self.insert(db, report, jobID: jobID, now: now) } }
    }

    /// Inserts the results, inside the caller's transaction.
    static func insert(_ db: SQLiteConnection, _ report: QualityReport, jobID: Int64, now: Timestamp) throws {
        for result in report.results {
            let examples = String(decoding: try JSONEncoder().encode(result.examples), as: UTF8.self)
            try db.execute("""
                INSERT INTO quality_results (job_id, view, expectation, severity, status, rows_checked, failing_rows, observed,
                                             examples, checked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(jobID), .text(report.view), .text(result.expectation), .text(result.severity.rawValue),
                      .text(result.status), .integer(Int64(result.rowsChecked)), .integer(Int64(result.failingRows)),
                      result.observed.map(SQLiteValue.text) ?? .null, .text(examples), .integer(now.microsecondsSinceEpoch)])
        }
    }

    /// The results of one job (every view it checked), or — without a job — of the newest job that checked each view
    /// (only `view` when given), in the order they were recorded.
    public func results(view: String? = nil, jobID: Int64? = nil) throws -> [Entry] {
        try database.withConnection { db in
            let rows: [SQLiteRow]
            if let jobID {
                rows = try db.query("""
                    SELECT * FROM quality_results WHERE job_id = ?1 AND (?2 IS NULL OR view = ?2) ORDER BY id
                    """, [.integer(jobID), view.map(SQLiteValue.text) ?? .null])
            } else {
                rows = try db.query("""
                    SELECT * FROM quality_results q
                    WHERE (?1 IS NULL OR q.view = ?1)
                      AND q.job_id = (SELECT max(job_id) FROM quality_results l WHERE l.view = q.view)
                    ORDER BY q.view, q.id
                    """, [view.map(SQLiteValue.text) ?? .null])
            }
            return rows.map(Self.decode)
        }
    }

    static func decode(_ row: SQLiteRow) -> Entry {
        let examples = (row["examples"].string?.data(using: .utf8)).flatMap { try? JSONDecoder().decode([String].self, from: $0) } ?? []
        return Entry(
            jobID: row["job_id"].int64 ?? 0, view: row["view"].string ?? "",
            result: ExpectationResult(
                expectation: row["expectation"].string ?? "",
                severity: QualityExpectation.Severity(rawValue: row["severity"].string ?? "") ?? .fail,
                passed: row["status"].string == "passed", rowsChecked: Int(row["rows_checked"].int64 ?? 0),
                failingRows: Int(row["failing_rows"].int64 ?? 0), observed: row["observed"].string, examples: examples),
            checkedAt: Timestamp(microsecondsSinceEpoch: row["checked_at"].int64 ?? 0))
    }
}
