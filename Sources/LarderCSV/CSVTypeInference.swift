internal import Larder

/// The narrowest type that holds every value seen so far in one column, widened value by value:
/// nothing → bool | int64 → float64 | timestamp, and anything that does not fit → string.
///
/// Only `true`/`false` make a bool (`1`/`0` are integers) and only ISO-8601 text makes a timestamp
/// (epoch numbers are integers). A column of nothing but nulls becomes a nullable string.
struct CSVTypeInference {
    enum Candidate: Int { case none, bool, int64, float64, timestamp, string }

    var candidate = Candidate.none
    var sawNull = false
    private var dateCache = CSVDateCache()

    @inline(__always)
    mutating func observe(_ field: CSVField) {
        let p = field.pointer, n = field.count
        if n == 0 {
            sawNull = true
            return
        }
        switch candidate {
        case .string:
            return
        case .none:
            candidate = classify(p, n)
        case .bool:
            if !CSVFieldParsing.isBoolWord(p, n) { candidate = .string }
        case .int64:
            if CSVFieldParsing.int64(p, n) == nil {
                candidate = CSVFieldParsing.float64(p, n) != nil ? .float64 : .string
            }
        case .float64:
            if CSVFieldParsing.float64(p, n) == nil { candidate = .string }
        case .timestamp:
            if !CSVTimestampParsing.isISO8601(p, n, cache: &dateCache) { candidate = .string }
        }
    }

    private func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> Candidate {
        if CSVFieldParsing.isBoolWord(p, n) { return .bool }
        if CSVFieldParsing.int64(p, n) != nil { return .int64 }
        if CSVFieldParsing.float64(p, n) != nil { return .float64 }
        if CSVTimestampParsing.isISO8601(p, n) { return .timestamp }
        return .string
    }

    /// Combines the findings of two chunks of the same column.
    mutating func merge(_ other: CSVTypeInference) {
        sawNull = sawNull || other.sawNull
        let (a, b) = (candidate, other.candidate)
        if a == b || b == .none { return }
        if a == .none { candidate = b; return }
        switch (min(a.rawValue, b.rawValue), max(a.rawValue, b.rawValue)) {
        case (Candidate.int64.rawValue, Candidate.float64.rawValue): candidate = .float64
        default: candidate = .string
        }
    }

    var type: ValueType {
        switch candidate {
        case .none, .string: .string
        case .bool: .bool
        case .int64: .int64
        case .float64: .float64
        case .timestamp: .timestamp
        }
    }
}
