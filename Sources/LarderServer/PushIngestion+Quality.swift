import Larder
import LarderColumnar
import LarderQuality

extension PushIngestion {
    /// Checks a pushed batch (the view's stored rows, after its transform) against the view's expectations, with
    /// staleness measured at `now`. A failed expectation of severity `fail` refuses the whole push (400
    /// `EXPECTATION_FAILED`, naming the expectation, the failing rows and examples) before anything is written; the
    /// results of severity `warn` that failed are returned. Either way a batch that failed anything is recorded as a
    /// `push` job with its results when ``quality`` is set (best effort: a registry that cannot be written does not
    /// change the answer).
    func checkExpectations(_ view: FeatureView, rows: ColumnBatch, now: Timestamp = .now()) async throws(APIError) -> [ExpectationResult] {
        let checker = ExpectationChecker(view: view)
        guard !checker.isEmpty else { return [] }
        let report = checker.check(rows, asOf: now)
        guard report.results.contains(where: { !$0.passed }) else { return [] }
        let job = try? await quality?.recordPush(report, rows: rows.rowCount, interval: Self.eventInterval(rows), now: now)
        do {
            try report.requirePassing()
        } catch {
            throw APIError.badRequest("EXPECTATION_FAILED", error.description + (job.map { " (push job \($0): larder quality --job \($0))" } ?? ""))
        }
        return report.warnings
    }

    /// `[oldest, newest]` event time of the rows (a push job's interval); the epoch for no rows.
    static func eventInterval(_ rows: ColumnBatch) -> EventInterval {
        guard let times = rows.column(named: "event_timestamp"), case .int64(let values) = times.storage,
              let lo = values.min(), let hi = values.max() else {
            return EventInterval(start: Timestamp(microsecondsSinceEpoch: 0), end: Timestamp(microsecondsSinceEpoch: 1))
        }
        return EventInterval(start: Timestamp(microsecondsSinceEpoch: lo), end: Timestamp(microsecondsSinceEpoch: hi &+ 1))
    }
}
