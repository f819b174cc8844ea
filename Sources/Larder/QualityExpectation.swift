/// A data quality rule a ``FeatureView``'s rows must meet, checked on every materialization and push batch
/// (after the view's transform, on the rows that would be stored) before anything is committed.
///
/// A failed expectation of severity ``Severity/fail`` (the default) stops the job: nothing is stored offline or
/// online, and the job's error names the expectation, the failing row count and examples. One of severity
/// ``Severity/warn`` is recorded and the job goes on. `larder quality` lists the results of each job.
///
/// ```swift
/// FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: driverStatsSource, fields: [...],
///     expectations: [
///         .notNull("driver_id"),
///         .between("conv_rate", 0, 1, severity: .warn),
///         .inSet("payment", ["card", "cash", "wallet"]),
///         .uniquePerEntityAndTime,
///         .mean("conv_rate", between: 0.2, 0.9),
///         .rowCount(atLeast: 1),
///         .maxStaleness(.hours(2)),
///     ])
/// ```
///
/// Nulls: `notNull` counts nulls and NaN (as pandas' `isnull`); `between` and `inSet` skip nulls (pair them with
/// `notNull`), and NaN is never between anything; `mean` and `stddev` (sample, n − 1) skip nulls and NaN and pass
/// with fewer than one (two) values. `rowCount` counts every row; `maxStaleness` fails when the newest
/// `event_timestamp` is older than the span at the check's reference time (the end of a materialized interval, at
/// most now; now for a push), and on a batch of no rows.
public struct QualityExpectation: Sendable, Hashable, CustomStringConvertible {
    /// What a failed expectation does to its job.
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable {
        /// Recorded; the job goes on.
        case warn
        /// The job stops before anything is committed.
        case fail
    }

    /// The values an ``Rule/inSet(field:values:)`` expectation allows.
    public enum AllowedValues: Sendable, Hashable {
        case strings([String])
        case integers([Int64])
    }

    /// The check itself. Bounds are inclusive; a `nil` bound is open.
    public enum Rule: Sendable, Hashable {
        case notNull(field: String)
        case between(field: String, min: Double?, max: Double?)
        case inSet(field: String, values: AllowedValues)
        /// At most one row per (join keys, `event_timestamp`).
        case uniquePerEntityAndTime
        case mean(field: String, min: Double?, max: Double?)
        case stddev(field: String, min: Double?, max: Double?)
        case rowCount(min: Int?, max: Int?)
        case maxStaleness(TimeSpan)
    }

    public let rule: Rule
    public let severity: Severity

    public init(_ rule: Rule, severity: Severity = .fail) {
        self.rule = rule
        self.severity = severity
    }

    /// The field the expectation reads, if it reads one.
    public var field: String? {
        switch rule {
        case .notNull(let f), .between(let f, _, _), .inSet(let f, _), .mean(let f, _, _), .stddev(let f, _, _): f
        case .uniquePerEntityAndTime, .rowCount, .maxStaleness: nil
        }
    }

    /// The expectation's name in results, job errors and `larder plan`, e.g. `between(conv_rate, 0, 1)`; stable
    /// for a given rule (the severity is not part of it).
    public var description: String {
        func bounds(_ name: String, _ field: String?, _ lo: Double?, _ hi: Double?) -> String {
            let parts = [field, Self.bound(lo, open: "-inf"), Self.bound(hi, open: "inf")].compactMap { $0 }
            return "\(name)(\(parts.joined(separator: ", ")))"
        }
        switch rule {
        case .notNull(let f): return "not_null(\(f))"
        case .between(let f, let lo, let hi): return bounds("between", f, lo, hi)
        case .inSet(let f, .strings(let values)): return "in_set(\(f), [\(values.map { "\"\($0)\"" }.joined(separator: ", "))])"
        case .inSet(let f, .integers(let values)): return "in_set(\(f), [\(values.map(String.init).joined(separator: ", "))])"
        case .uniquePerEntityAndTime: return "unique_per_entity_and_time"
        case .mean(let f, let lo, let hi): return bounds("mean", f, lo, hi)
        case .stddev(let f, let lo, let hi): return bounds("stddev", f, lo, hi)
        case .rowCount(let lo, let hi): return bounds("row_count", nil, lo.map(Double.init), hi.map(Double.init))
        case .maxStaleness(let span): return "max_staleness(\(span))"
        }
    }

    /// A bound as the shortest text: `0`, `0.25`, `1e+20`, or `open` for none.
    package static func bound(_ value: Double?, open: String) -> String {
        guard let value else { return open }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

extension QualityExpectation {
    /// No nulls (nor NaN) in `field`.
    public static func notNull(_ field: String, severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.notNull(field: field), severity: severity)
    }

    /// Every non-null value of the numeric `field` in `[min, max]`.
    public static func between(_ field: String, _ min: Double, _ max: Double, severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.between(field: field, min: min, max: max), severity: severity)
    }

    /// Every non-null value of the numeric `field` at least `min`.
    public static func atLeast(_ field: String, _ min: Double, severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.between(field: field, min: min, max: nil), severity: severity)
    }

    /// Every non-null value of the numeric `field` at most `max`.
    public static func atMost(_ field: String, _ max: Double, severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.between(field: field, min: nil, max: max), severity: severity)
    }

    /// Every non-null value of the string `field` one of `values`.
    public static func inSet(_ field: String, _ values: [String], severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.inSet(field: field, values: .strings(values)), severity: severity)
    }

    /// Every non-null value of the integer `field` one of `values`.
    public static func inSet(_ field: String, _ values: [Int64], severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.inSet(field: field, values: .integers(values)), severity: severity)
    }

    /// At most one row per entity (join keys) and `event_timestamp`.
    public static var uniquePerEntityAndTime: QualityExpectation { QualityExpectation(.uniquePerEntityAndTime) }

    /// At most one row per entity and `event_timestamp`, with a severity.
    public static func uniquePerEntityAndTime(severity: Severity) -> QualityExpectation {
        QualityExpectation(.uniquePerEntityAndTime, severity: severity)
    }

    /// The mean of the batch's non-null values of `field` in `[min, max]`.
    public static func mean(_ field: String, between min: Double, _ max: Double, severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.mean(field: field, min: min, max: max), severity: severity)
    }

    /// The sample standard deviation of the batch's non-null values of `field` in `[min, max]`.
    public static func stddev(_ field: String, between min: Double, _ max: Double, severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.stddev(field: field, min: min, max: max), severity: severity)
    }

    /// The batch's row count in `[min, max]`.
    public static func rowCount(between min: Int, _ max: Int, severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.rowCount(min: min, max: max), severity: severity)
    }

    /// At least `min` rows in the batch.
    public static func rowCount(atLeast min: Int, severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.rowCount(min: min, max: nil), severity: severity)
    }

    /// The newest `event_timestamp` of the batch at most `span` old.
    public static func maxStaleness(_ span: TimeSpan, severity: Severity = .fail) -> QualityExpectation {
        QualityExpectation(.maxStaleness(span), severity: severity)
    }
}
