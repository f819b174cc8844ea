/// One feature value, with its type, or null.
///
/// `Value` is for single values crossing an API boundary (an online lookup, a row handed to a
/// transform, a CLI argument). Bulk data moves in columnar batches, never as arrays of `Value`.
///
/// ```swift
/// let rate: Value = .float32(0.42)
/// rate.type        // .float32
/// Value.null.isNull // true
/// ```
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int32(Int32)
    case int64(Int64)
    case float32(Float)
    case float64(Double)
    case string(String)
    case bytes([UInt8])
    case timestamp(Timestamp)

    /// The value's type, or `nil` for null.
    public var type: ValueType? {
        switch self {
        case .null: nil
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

    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The value as a `Double` for numeric and boolean values (used by model inputs), else `nil`.
    public var doubleValue: Double? {
        switch self {
        case .bool(let b): b ? 1 : 0
        case .int32(let v): Double(v)
        case .int64(let v): Double(v)
        case .float32(let v): Double(v)
        case .float64(let v): v
        case .timestamp(let t): Double(t.microsecondsSinceEpoch)
        default: nil
        }
    }

    /// The value as an `Int64` for integer values, else `nil`.
    public var int64Value: Int64? {
        switch self {
        case .int32(let v): Int64(v)
        case .int64(let v): v
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let v): String(v)
        case .int32(let v): String(v)
        case .int64(let v): String(v)
        case .float32(let v): String(v)
        case .float64(let v): String(v)
        case .string(let v): v
        case .bytes(let v): "0x" + v.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        case .timestamp(let t): t.description
        }
    }

    /// Converts the value to `type` when that is lossless (int32 → int64, float32 → float64), so a
    /// transform may return a narrower type than declared. Returns `nil` when it is not.
    public func converted(to type: ValueType) -> Value? {
        if isNull || self.type == type { return self }
        switch (self, type) {
        case (.int32(let v), .int64): return .int64(Int64(v))
        case (.int32(let v), .float64): return .float64(Double(v))
        case (.float32(let v), .float64): return .float64(Double(v))
        default: return nil
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
