public import Larder

/// One typed column of values to write online (a join key or a feature), with optional validity
/// (`false` = null). Columns avoid boxing each value when materializing millions of rows.
///
/// ```swift
/// let trips = OnlineColumn.int64([12, 0, 7], validity: [true, false, true])   // 12, null, 7
/// let ids = OnlineColumn.string(["a", "b", "c"])
/// ```
public enum OnlineColumn: Sendable, Hashable {
    case bool([Bool], validity: [Bool]? = nil)
    case int32([Int32], validity: [Bool]? = nil)
    case int64([Int64], validity: [Bool]? = nil)
    case float32([Float], validity: [Bool]? = nil)
    case float64([Double], validity: [Bool]? = nil)
    case string([String], validity: [Bool]? = nil)
    case bytes([[UInt8]], validity: [Bool]? = nil)
    case timestamp([Timestamp], validity: [Bool]? = nil)

    public var type: ValueType {
        switch self {
        case .bool: .bool
        case .int32: .int32
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .string: .string
        case .bytes: .bytes
        case .timestamp: .timestamp
        }
    }

    public var count: Int {
        switch self {
        case .bool(let v, _): v.count
        case .int32(let v, _): v.count
        case .int64(let v, _): v.count
        case .float32(let v, _): v.count
        case .float64(let v, _): v.count
        case .string(let v, _): v.count
        case .bytes(let v, _): v.count
        case .timestamp(let v, _): v.count
        }
    }

    public var validity: [Bool]? {
        switch self {
        case .bool(_, let m), .int32(_, let m), .int64(_, let m), .float32(_, let m), .float64(_, let m),
             .string(_, let m), .bytes(_, let m), .timestamp(_, let m): m
        }
    }

    @inline(__always)
    func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return !validity[row]
    }

    /// The value at `row` (slow path for keys and tests; the write path encodes from the arrays).
    public subscript(row: Int) -> Value {
        if isNull(row) { return .null }
        return switch self {
        case .bool(let v, _): .bool(v[row])
        case .int32(let v, _): .int32(v[row])
        case .int64(let v, _): .int64(v[row])
        case .float32(let v, _): .float32(v[row])
        case .float64(let v, _): .float64(v[row])
        case .string(let v, _): .string(v[row])
        case .bytes(let v, _): .bytes(v[row])
        case .timestamp(let v, _): .timestamp(v[row])
        }
    }

    /// Builds a column of `type` from values; each must be null or of `type` (or widen to it
    /// losslessly, e.g. int32 into int64). `column` names the column in the error.
    public init(type: ValueType, values: [Value], column: String) throws(OnlineStoreError) {
        var validity = [Bool](repeating: true, count: values.count)
        var hasNull = false
        var failure: OnlineStoreError?
        func typed<T>(_ zero: T, _ extract: (Value) -> T?) -> [T] {
            var out = [T]()
            out.reserveCapacity(values.count)
            for (row, value) in values.enumerated() {
                if value.isNull {
                    validity[row] = false
                    hasNull = true
                    out.append(zero)
                } else if let converted = value.converted(to: type), let v = extract(converted) {
                    out.append(v)
                } else {
                    if failure == nil {
                        failure = OnlineStoreError(kind: .invalidRows, view: "", feature: column, row: row,
                                                   message: "row \(row): \(value.type?.description ?? "null") value \(value) does not fit the declared type \(type) of \"\(column)\"")
                    }
                    out.append(zero)
                }
            }
            return out
        }
        switch type {
        case .bool: self = .bool(typed(false) { if case .bool(let v) = $0 { v } else { nil } })
        case .int32: self = .int32(typed(0) { if case .int32(let v) = $0 { v } else { nil } })
        case .int64: self = .int64(typed(0) { if case .int64(let v) = $0 { v } else { nil } })
        case .float32: self = .float32(typed(0) { if case .float32(let v) = $0 { v } else { nil } })
        case .float64: self = .float64(typed(0) { if case .float64(let v) = $0 { v } else { nil } })
        case .string: self = .string(typed("") { if case .string(let v) = $0 { v } else { nil } })
        case .bytes: self = .bytes(typed([]) { if case .bytes(let v) = $0 { v } else { nil } })
        case .timestamp: self = .timestamp(typed(Timestamp(microsecondsSinceEpoch: 0)) { if case .timestamp(let v) = $0 { v } else { nil } })
        }
        if let failure { throw failure }
        if hasNull { self = self.withValidity(validity) }
    }

    private func withValidity(_ m: [Bool]) -> OnlineColumn {
        switch self {
        case .bool(let v, _): .bool(v, validity: m)
        case .int32(let v, _): .int32(v, validity: m)
        case .int64(let v, _): .int64(v, validity: m)
        case .float32(let v, _): .float32(v, validity: m)
        case .float64(let v, _): .float64(v, validity: m)
        case .string(let v, _): .string(v, validity: m)
        case .bytes(let v, _): .bytes(v, validity: m)
        case .timestamp(let v, _): .timestamp(v, validity: m)
        }
    }
}
