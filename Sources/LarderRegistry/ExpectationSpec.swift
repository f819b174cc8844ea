public import Larder

/// A registered ``QualityExpectation``: its rule flattened into optional parts (only those of its kind are set), so the
/// canonical JSON stays small and readable.
///
/// ```swift
/// let spec = ExpectationSpec(.between("conv_rate", 0, 1, severity: .warn))
/// spec.kind       // "between"
/// spec.name       // "between(conv_rate, 0, 1)"
/// spec.expectation == .between("conv_rate", 0, 1, severity: .warn)   // true
/// ```
public struct ExpectationSpec: Codable, Sendable, Equatable {
    /// `not_null`, `between`, `in_set`, `unique_per_entity_and_time`, `mean`, `stddev`, `row_count` or `max_staleness`.
    public var kind: String
    public var field: String?
    public var min: Double?
    public var max: Double?
    /// The allowed values of a string `in_set`.
    public var strings: [String]?
    /// The allowed values of an integer `in_set`.
    public var integers: [Int64]?
    public var stalenessMicroseconds: Int64?
    public var severity: QualityExpectation.Severity

    public init(_ expectation: QualityExpectation) {
        kind = ""
        severity = expectation.severity
        switch expectation.rule {
        case .notNull(let f): kind = "not_null"; field = f
        case .between(let f, let lo, let hi): kind = "between"; field = f; min = lo; max = hi
        case .inSet(let f, .strings(let values)): kind = "in_set"; field = f; strings = values
        case .inSet(let f, .integers(let values)): kind = "in_set"; field = f; integers = values
        case .uniquePerEntityAndTime: kind = "unique_per_entity_and_time"
        case .mean(let f, let lo, let hi): kind = "mean"; field = f; min = lo; max = hi
        case .stddev(let f, let lo, let hi): kind = "stddev"; field = f; min = lo; max = hi
        case .rowCount(let lo, let hi): kind = "row_count"; min = lo.map(Double.init); max = hi.map(Double.init)
        case .maxStaleness(let span): kind = "max_staleness"; stalenessMicroseconds = span.microseconds
        }
    }

    /// The expectation this spec registers; `nil` for a kind this Larder does not know.
    public var expectation: QualityExpectation? {
        let rule: QualityExpectation.Rule
        switch kind {
        case "not_null": guard let field else { return nil }; rule = .notNull(field: field)
        case "between": guard let field else { return nil }; rule = .between(field: field, min: min, max: max)
        case "in_set":
            guard let field else { return nil }
            rule = .inSet(field: field, values: integers.map { .integers($0) } ?? .strings(strings ?? []))
        case "unique_per_entity_and_time": rule = .uniquePerEntityAndTime
        case "mean": guard let field else { return nil }; rule = .mean(field: field, min: min, max: max)
        case "stddev": guard let field else { return nil }; rule = .stddev(field: field, min: min, max: max)
        case "row_count":
            // A bound that is not a whole number (an edited or damaged registry) makes the spec unreadable, not a trap.
            let low = min.map { Int(exactly: $0) }, high = max.map { Int(exactly: $0) }
            if low == .some(nil) || high == .some(nil) { return nil }
            rule = .rowCount(min: low ?? nil, max: high ?? nil)
        case "max_staleness":
            guard let stalenessMicroseconds else { return nil }
            rule = .maxStaleness(TimeSpan(microseconds: stalenessMicroseconds))
        default: return nil
        }
        return QualityExpectation(rule, severity: severity)
    }

    /// The expectation's name (``QualityExpectation/description``), e.g. `not_null(avg_daily_trips)`.
    public var name: String { expectation?.description ?? kind }
}
