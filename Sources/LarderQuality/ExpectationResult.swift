public import Larder

/// The outcome of one ``QualityExpectation`` over one batch of a view's rows.
///
/// ```swift
/// let result = ExpectationChecker(view: driverStats).check(rows, asOf: .now()).results[0]
/// result.expectation    // "between(conv_rate, 0, 1)"
/// result.passed         // false
/// result.failingRows    // 3
/// result.examples       // ["driver_id=1001 event_timestamp=2026-01-01T08:00:00.000000Z conv_rate=1.5", ...]
/// ```
public struct ExpectationResult: Sendable, Equatable, Codable {
    /// The expectation's name (``QualityExpectation/description``).
    public var expectation: String
    public var severity: QualityExpectation.Severity
    public var passed: Bool
    /// Rows of the batch the expectation looked at (every row of it).
    public var rowsChecked: Int
    /// Rows that break a per-row expectation (nulls, out of bounds, not in the set, duplicates); 0 for the batch-wide
    /// ones (mean, stddev, row count, staleness), whose ``observed`` value says why they failed.
    public var failingRows: Int
    /// What was measured, e.g. `mean 0.48`, `1000 rows`, `newest event 2026-01-01T08:00:00Z, 3h old`.
    public var observed: String?
    /// Up to ``ExpectationChecker/maxExamples`` failing rows, each as its join keys, event time and value.
    public var examples: [String]

    public init(expectation: String, severity: QualityExpectation.Severity, passed: Bool, rowsChecked: Int, failingRows: Int,
                observed: String? = nil, examples: [String] = []) {
        self.expectation = expectation
        self.severity = severity
        self.passed = passed
        self.rowsChecked = rowsChecked
        self.failingRows = failingRows
        self.observed = observed
        self.examples = examples
    }

    /// `passed`, or `failed` (the text stored in `quality_results.status`).
    public var status: String { passed ? "passed" : "failed" }

    /// One line for logs and errors: `between(conv_rate, 0, 1) [fail] failed on 3 of 1000 rows (examples: …)`.
    public var summary: String {
        var text = "\(expectation) [\(severity.rawValue)] \(status)"
        if !passed && failingRows > 0 { text += " on \(failingRows) of \(rowsChecked) rows" }
        if let observed { text += " (\(observed))" }
        if !examples.isEmpty { text += "; examples: " + examples.joined(separator: "; ") }
        return text
    }
}

/// Every expectation's result over one batch of one view.
public struct QualityReport: Sendable, Equatable {
    public var view: String
    public var results: [ExpectationResult]

    public init(view: String, results: [ExpectationResult]) {
        self.view = view
        self.results = results
    }

    /// Failed expectations of severity `fail`: the job must stop.
    public var failures: [ExpectationResult] { results.filter { !$0.passed && $0.severity == .fail } }
    /// Failed expectations of severity `warn`: recorded, the job goes on.
    public var warnings: [ExpectationResult] { results.filter { !$0.passed && $0.severity == .warn } }

    /// Throws ``QualityExpectationError`` when an expectation of severity `fail` failed.
    public func requirePassing() throws(QualityExpectationError) {
        let failures = failures
        if !failures.isEmpty { throw QualityExpectationError(view: view, failures: failures) }
    }
}

/// A batch broke an expectation of severity `fail`: the job or push stopped before anything was committed.
public struct QualityExpectationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var view: String
    public var failures: [ExpectationResult]

    public init(view: String, failures: [ExpectationResult]) {
        self.view = view
        self.failures = failures
    }

    public var description: String {
        "view \(view): \(failures.count == 1 ? "an expectation" : "\(failures.count) expectations") of severity fail "
            + "failed, nothing was committed: " + failures.map(\.summary).joined(separator: " | ")
            + " — fix: correct the source rows (or the view's transform), or relax the expectation in the definitions "
            + "(severity: .warn records it without stopping the job)"
    }
}
