import Larder
import LarderColumnar
import LarderQuality

extension PushIngestion {
    /// Checks a pushed batch (the view's stored rows, after its transform) against the view's expectations, with
    /// staleness measured at `now`. A failed expectation of severity `fail` refuses the whole push (400
    /// `EXPECTATION_FAILED`, naming the expectation, the failing rows and examples) before anything is written; the
    /// results of severity `warn` that failed are returned.
    static func checkExpectations(_ view: FeatureView, rows: ColumnBatch, now: Timestamp = .now()) throws(APIError) -> [ExpectationResult] {
        let checker = ExpectationChecker(view: view)
        guard !checker.isEmpty else { return [] }
        let report = checker.check(rows, asOf: now)
        do {
            try report.requirePassing()
        } catch {
            throw APIError.badRequest("EXPECTATION_FAILED", error.description)
        }
        return report.warnings
    }
}
