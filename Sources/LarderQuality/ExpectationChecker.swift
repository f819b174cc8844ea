public import Larder
public import LarderColumnar
import Foundation

/// Checks a view's ``QualityExpectation``s over a batch of its stored rows (join keys, `event_timestamp`, `created`, fields):
/// columnar scans of the typed buffers, no value boxed but the few examples. Materialization checks each view's
/// built rows before staging them; a push checks its batch before writing it.
///
/// ```swift
/// let checker = ExpectationChecker(view: driverStats)
/// let report = checker.check(rows, asOf: interval.end)
/// try report.requirePassing()   // throws QualityExpectationError for a failed `fail` expectation
/// for warning in report.warnings { print(warning.summary) }
/// ```
public struct ExpectationChecker: Sendable {
    /// Failing rows quoted per expectation, at most.
    public static let maxExamples = 5

    public let view: String
    public let joinKeys: [String]
    public let expectations: [QualityExpectation]

    public init(view: String, joinKeys: [String], expectations: [QualityExpectation]) {
        self.view = view
        self.joinKeys = joinKeys
        self.expectations = expectations
    }

    public init(view: FeatureView) {
        self.init(view: view.name, joinKeys: view.joinKeys, expectations: view.expectations)
    }

    /// Whether there is nothing to check.
    public var isEmpty: Bool { expectations.isEmpty }

    /// Every expectation's result over `rows`; `asOf` is the reference time of `maxStaleness`.
    public func check(_ rows: ColumnBatch, asOf: Timestamp) -> QualityReport {
        QualityReport(view: view, results: expectations.map { check($0, rows, asOf: asOf) })
    }

    private func check(_ expectation: QualityExpectation, _ rows: ColumnBatch, asOf: Timestamp) -> ExpectationResult {
        var result = ExpectationResult(expectation: expectation.description, severity: expectation.severity, passed: true,
                                       rowsChecked: rows.rowCount, failingRows: 0)
        var column: Column?
        if let field = expectation.field {
            column = rows.column(named: field)
            guard column != nil else {
                result.passed = false
                result.observed = "the rows have no column \(field)"
                return result
            }
        }
        switch expectation.rule {
        case .notNull:
            record(RowScan.nulls(column!), into: &result, rows: rows, field: expectation.field)
        case .between(_, let lo, let hi):
            record(RowScan.outside(column!, lo ?? -.infinity, hi ?? .infinity), into: &result, rows: rows, field: expectation.field)
        case .inSet(_, let values):
            record(RowScan.notIn(column!, values), into: &result, rows: rows, field: expectation.field)
        case .uniquePerEntityAndTime:
            let duplicates = DuplicateScan(rows: rows, keys: joinKeys + ["event_timestamp"])
            if let problem = duplicates.problem {
                result.passed = false
                result.observed = problem
                break
            }
            result.failingRows = duplicates.rowCount
            result.passed = duplicates.rowCount == 0
            if !result.passed {
                result.observed = "\(duplicates.groupCount) (entity, event time) pairs with more than one row"
                result.examples = duplicates.examples.map { "\(describe(row: $0.row, rows: rows, field: nil)) (\($0.size) rows)" }
            }
        case .mean(_, let lo, let hi):
            let moments = Moments(column!)
            result.passed = moments.count == 0 || Self.within(moments.mean, lo, hi)
            result.observed = moments.count == 0 ? "no values" : "mean \(Self.format(moments.mean)) over \(moments.count) values"
        case .stddev(_, let lo, let hi):
            let moments = Moments(column!)
            result.passed = moments.count < 2 || Self.within(moments.sampleStddev, lo, hi)
            result.observed = moments.count < 2 ? "fewer than 2 values"
                : "stddev \(Self.format(moments.sampleStddev)) over \(moments.count) values"
        case .rowCount(let lo, let hi):
            result.passed = Self.within(Double(rows.rowCount), lo.map(Double.init), hi.map(Double.init))
            result.observed = "\(rows.rowCount) rows"
        case .maxStaleness(let span):
            let newest = rows.column(named: "event_timestamp").flatMap(RowScan.newest)
            guard let newest else {
                result.passed = false
                result.observed = "no rows, so no event newer than \(span) before \(asOf)"
                break
            }
            let age = asOf.microsecondsSinceEpoch &- newest
            result.passed = age <= span.microseconds
            result.observed = "newest event \(Timestamp(microsecondsSinceEpoch: newest)), \(Self.age(age)) before \(asOf)"
        }
        return result
    }

    private func record(_ scan: RowScan, into result: inout ExpectationResult, rows: ColumnBatch, field: String?) {
        result.failingRows = scan.count
        result.passed = scan.count == 0
        result.examples = scan.first.map { describe(row: $0, rows: rows, field: field) }
    }

    /// A row as `key=value … event_timestamp=… field=value` (boxed: only for examples).
    func describe(row: Int, rows: ColumnBatch, field: String?) -> String {
        let names = joinKeys + ["event_timestamp"] + (field.map { [$0] } ?? [])
        var seen = Set<String>()
        return names.compactMap { name -> String? in
            guard seen.insert(name).inserted, let column = rows.column(named: name) else { return nil }
            return "\(name)=\(Self.text(column.value(at: row)))"
        }.joined(separator: " ")
    }

    static func text(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool(let v): String(v)
        case .int32(let v): String(v)
        case .int64(let v): String(v)
        case .float32(let v): "\(v)"
        case .float64(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .bytes(let v): "<\(v.count) bytes>"
        case .timestamp(let v): v.description
        }
    }

    static func within(_ value: Double, _ lo: Double?, _ hi: Double?) -> Bool {
        value >= (lo ?? -.infinity) && value <= (hi ?? .infinity)
    }

    static func format(_ value: Double) -> String { String(format: "%.6g", value) }

    /// An age as `2d 3h`, `3h 12m`, `4m 10s`, `12s` (microseconds below a second dropped).
    static func age(_ microseconds: Int64) -> String {
        if microseconds < 0 { return "-" + age(-microseconds) }
        let s = microseconds / 1_000_000
        switch s {
        case 86_400...: return "\(s / 86_400)d \(s % 86_400 / 3600)h"
        case 3600...: return "\(s / 3600)h \(s % 3600 / 60)m"
        case 60...: return "\(s / 60)m \(s % 60)s"
        default: return "\(s)s"
        }
    }
}
