/// One column of an ``OnDemandBatch``: a value per row, `nil` for null, typed.
///
/// ```swift
/// batch["balance_after_fare"] = .float64([12.5, nil])
/// OnDemandColumn.float64([1, nil]).value(at: 1)   // .null
/// ```
public enum OnDemandColumn: Sendable, Hashable {
    case bool([Bool?])
    case int32([Int32?])
    case int64([Int64?])
    case float32([Float?])
    case float64([Double?])
    case string([String?])
    case bytes([[UInt8]?])
    case timestamp([Timestamp?])

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
        case .bool(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .string(let v): v.count
        case .bytes(let v): v.count
        case .timestamp(let v): v.count
        }
    }

    /// Row `row` as a ``Value`` (`.null` for nil).
    public func value(at row: Int) -> Value {
        switch self {
        case .bool(let v): v[row].map(Value.bool) ?? .null
        case .int32(let v): v[row].map(Value.int32) ?? .null
        case .int64(let v): v[row].map(Value.int64) ?? .null
        case .float32(let v): v[row].map(Value.float32) ?? .null
        case .float64(let v): v[row].map(Value.float64) ?? .null
        case .string(let v): v[row].map(Value.string) ?? .null
        case .bytes(let v): v[row].map(Value.bytes) ?? .null
        case .timestamp(let v): v[row].map(Value.timestamp) ?? .null
        }
    }

    /// A column of `type` from boxed values, each null or of `type` (or losslessly convertible to it, see
    /// ``Value/converted(to:)``); `nil` when one is not.
    public init?(_ values: [Value], type: ValueType) {
        func typed<T>(_ extract: (Value) -> T?) -> [T?]? {
            var out: [T?] = []
            out.reserveCapacity(values.count)
            for value in values {
                if value.isNull { out.append(nil); continue }
                guard let converted = value.converted(to: type), let v = extract(converted) else { return nil }
                out.append(v)
            }
            return out
        }
        let column: OnDemandColumn?
        switch type {
        case .bool: column = typed { if case .bool(let v) = $0 { v } else { nil } }.map(Self.bool)
        case .int32: column = typed { if case .int32(let v) = $0 { v } else { nil } }.map(Self.int32)
        case .int64: column = typed { if case .int64(let v) = $0 { v } else { nil } }.map(Self.int64)
        case .float32: column = typed { if case .float32(let v) = $0 { v } else { nil } }.map(Self.float32)
        case .float64: column = typed { if case .float64(let v) = $0 { v } else { nil } }.map(Self.float64)
        case .string: column = typed { if case .string(let v) = $0 { v } else { nil } }.map(Self.string)
        case .bytes: column = typed { if case .bytes(let v) = $0 { v } else { nil } }.map(Self.bytes)
        case .timestamp: column = typed { if case .timestamp(let v) = $0 { v } else { nil } }.map(Self.timestamp)
        }
        guard let column else { return nil }
        self = column
    }

    /// The column as `type` when that is lossless (the same type, int32 → int64, int32 or float32 → float64).
    public func converted(to type: ValueType) -> OnDemandColumn? {
        if self.type == type { return self }
        switch (self, type) {
        case (.int32(let v), .int64): return .int64(v.map { $0.map(Int64.init) })
        case (.int32(let v), .float64): return .float64(v.map { $0.map(Double.init) })
        case (.float32(let v), .float64): return .float64(v.map { $0.map(Double.init) })
        default: return nil
        }
    }

    /// The first row holding nil, if any.
    public var firstNullRow: Int? {
        switch self {
        case .bool(let v): v.firstIndex { $0 == nil }
        case .int32(let v): v.firstIndex { $0 == nil }
        case .int64(let v): v.firstIndex { $0 == nil }
        case .float32(let v): v.firstIndex { $0 == nil }
        case .float64(let v): v.firstIndex { $0 == nil }
        case .string(let v): v.firstIndex { $0 == nil }
        case .bytes(let v): v.firstIndex { $0 == nil }
        case .timestamp(let v): v.firstIndex { $0 == nil }
        }
    }
}
