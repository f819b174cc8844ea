/// What a fuzzing run saw: how many cases ended in each outcome (a correct read, or an error of some
/// kind) and any case that broke an oracle (a read that was not self-consistent, or differed from the
/// original where the mutation could not have changed it). A crash is not counted: it ends the process.
///
/// ```swift
/// let report = ParquetFuzzer(seed: 1).run(cases: 2_000)
/// print(report)              // parquet: 2000 cases — read 412, malformed 1501, ...
/// report.violations.isEmpty  // the oracle held for every case
/// ```
package struct FuzzReport: Sendable, CustomStringConvertible {
    package var name: String
    package var cases = 0
    /// Outcome name (`read`, `error:malformed`, ...) → cases.
    package var outcomes: [String: Int] = [:]
    /// The first violations found (at most ``maximumViolationsKept``), with the case number.
    package var violations: [String] = []
    package var violationCount = 0
    static let maximumViolationsKept = 20

    package init(name: String) { self.name = name }

    mutating func record(_ outcome: String) {
        cases += 1
        outcomes[outcome, default: 0] += 1
    }

    mutating func violation(_ text: @autoclosure () -> String) {
        violationCount += 1
        if violations.count < Self.maximumViolationsKept { violations.append("case \(cases): \(text())") }
    }

    /// Cases that ended in a correct read (outcomes starting with `read`).
    package var reads: Int { outcomes.filter { $0.key.hasPrefix("read") }.reduce(0) { $0 + $1.value } }
    /// Cases that ended in a clean error.
    package var errors: Int { cases - reads }

    package mutating func merge(_ other: FuzzReport) {
        cases += other.cases
        for (k, v) in other.outcomes { outcomes[k, default: 0] += v }
        violationCount += other.violationCount
        violations += other.violations.prefix(Self.maximumViolationsKept - violations.count)
    }

    package var description: String {
        let parts = outcomes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
        return "\(name): \(cases) cases, \(reads) correct reads, \(errors) clean errors, \(violationCount) oracle violations — "
            + parts.joined(separator: ", ")
    }
}
