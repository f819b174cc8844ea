import Larder
import LarderColumnar
import LarderQuality
import LarderRegistry

extension Materializer {
    /// Checks a view's built rows against its expectations and records the results under the job; throws
    /// ``QualityExpectationError`` when one of severity `fail` failed (the job then stops before anything is committed).
    /// Returns a note for the job when some of severity `warn` failed. Staleness is measured at the end of the interval,
    /// or now when that is later.
    func checkExpectations(_ view: FeatureView, rows: ColumnBatch, interval: EventInterval, jobID: Int64) throws -> String? {
        let checker = ExpectationChecker(view: view)
        guard !checker.isEmpty else { return nil }
        let report = checker.check(rows, asOf: min(interval.end, .now()))
        try QualityLog(database: registry.database).record(report, jobID: jobID)
        try report.requirePassing()
        let warnings = report.warnings
        guard !warnings.isEmpty else { return nil }
        return "\(view.name): \(warnings.count) expectation warning\(warnings.count == 1 ? "" : "s") ("
            + warnings.map { $0.failingRows > 0 ? "\($0.expectation) on \($0.failingRows) rows" : $0.expectation }.joined(separator: ", ")
            + "; larder quality --job \(jobID))"
    }
}
