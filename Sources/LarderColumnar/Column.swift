public import Larder

/// One column of a ``ColumnBatch``: a ``ValueType``, one contiguous typed array and an optional
/// validity ``Bitmap`` (`nil` = no nulls).
///
/// Use the typed accessors (``int64Values``, ``float64Values``, ``withBinary(_:)``...) in hot loops;
/// ``value(at:)`` boxes into ``Value`` and is meant for display and tests.
///
/// ```swift
/// let ids = Column(int64: [7, 8, 9])
/// let rates = Column(float32: [0.5, 0, 0.25], validity: Bitmap([true, false, true]))
/// rates.value(at: 1)   // .null
/// ids.int64Values[2]   // 9
/// ```
public struct Column: Sendable, Hashable {
    public let type: ValueType
    public let count: Int
    public private(set) var storage: ColumnStorage
    /// Present only when the column may hold nulls; bit set = value present.
    public private(set) var validity: Bitmap?

    /// Wraps `storage` as a column of `type`. `storage` must match the type (int64 for timestamps,
    /// binary for strings and bytes) and `validity`, if given, must have one bit per row.
    public init(type: ValueType, storage: ColumnStorage, validity: Bitmap? = nil) {
        precondition(Column.storageMatches(type, storage), "storage does not match column type \(type)")
        let count = storage.count
        if let validity {
            precondition(validity.count == count, "validity has \(validity.count) bits for \(count) rows")
        }
        self.type = type
        self.count = count
        self.storage = storage
        self.validity = (validity?.allSet ?? true) ? nil : validity
    }

    static func storageMatches(_ type: ValueType, _ storage: ColumnStorage) -> Bool {
        switch (type, storage) {
        case (.bool, .bool), (.int32, .int32), (.int64, .int64), (.timestamp, .int64),
             (.float32, .float32), (.float64, .float64), (.string, .binary), (.bytes, .binary): true
        default: false
        }
    }

    public init(bool values: [Bool], validity: Bitmap? = nil) { self.init(type: .bool, storage: .bool(values), validity: validity) }
    public init(int32 values: [Int32], validity: Bitmap? = nil) { self.init(type: .int32, storage: .int32(values), validity: validity) }
    public init(int64 values: [Int64], validity: Bitmap? = nil) { self.init(type: .int64, storage: .int64(values), validity: validity) }
    public init(float32 values: [Float], validity: Bitmap? = nil) { self.init(type: .float32, storage: .float32(values), validity: validity) }
    public init(float64 values: [Double], validity: Bitmap? = nil) { self.init(type: .float64, storage: .float64(values), validity: validity) }
    /// Timestamps as microseconds since the epoch (UTC).
    public init(timestampMicros values: [Int64], validity: Bitmap? = nil) {
        self.init(type: .timestamp, storage: .int64(values), validity: validity)
    }

    public init(strings values: [String?]) {
        var b = ColumnBuilder(type: .string, capacity: values.count)
        for v in values { if let v { b.append(string: v) } else { b.appendNull() } }
        self = b.finish()
    }

    public init(bytes values: [[UInt8]?]) {
        var b = ColumnBuilder(type: .bytes, capacity: values.count)
        for v in values { if let v { b.append(bytes: v) } else { b.appendNull() } }
        self = b.finish()
    }

    /// Builds a column from boxed values (slow path for tests and small literals). Values must be
    /// null or of `type`, or losslessly convertible to it.
    public init(type: ValueType, values: [Value]) throws(ColumnarError) {
        var b = ColumnBuilder(type: type, capacity: values.count)
        for v in values {
            guard let c = v.converted(to: type) else {
                throw .typeMismatch(column: "<values>", expected: type, actual: v.type ?? type)
            }
            b.append(c)
        }
        self = b.finish()
    }

    /// A column of `count` nulls.
    public static func nulls(type: ValueType, count: Int) -> Column {
        var b = ColumnBuilder(type: type, capacity: count)
        for _ in 0..<count { b.appendNull() }
        return b.finish()
    }

    // MARK: nulls

    public var nullCount: Int { validity.map { $0.count - $0.setCount } ?? 0 }
    public var hasNulls: Bool { validity != nil }

    public func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return !validity[row]
    }

    // MARK: typed access (precondition: matching type)

    public var boolValues: [Bool] { guard case .bool(let v) = storage else { typeFault("bool") }; return v }
    public var int32Values: [Int32] { guard case .int32(let v) = storage else { typeFault("int32") }; return v }
    /// Int64 values; also the microseconds of a timestamp column.
    public var int64Values: [Int64] { guard case .int64(let v) = storage else { typeFault("int64") }; return v }
    public var timestampMicros: [Int64] { int64Values }
    public var float32Values: [Float] { guard case .float32(let v) = storage else { typeFault("float32") }; return v }
    public var float64Values: [Double] { guard case .float64(let v) = storage else { typeFault("float64") }; return v }
    /// Offsets (`count + 1` of them) into ``binaryBytes`` for string and bytes columns.
    public var binaryOffsets: [Int] { guard case .binary(let o, _) = storage else { typeFault("string/bytes") }; return o }
    public var binaryBytes: [UInt8] { guard case .binary(_, let b) = storage else { typeFault("string/bytes") }; return b }

    /// Calls `body` with the offsets and bytes of a string/bytes column without copying.
    public func withBinary<R>(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard case .binary(let offsets, let bytes) = storage else { typeFault("string/bytes") }
        return try offsets.withUnsafeBufferPointer { o in try bytes.withUnsafeBufferPointer { b in try body(o, b) } }
    }

    /// Numeric values widened to `Double` (int, float, bool, timestamp µs); nulls become `nullValue`.
    /// The training path's bulk conversion.
    public func doubleValues(nullValue: Double = .nan) -> [Double] {
        var out: [Double]
        switch storage {
        case .float64(let v): out = v
        case .float32(let v): out = v.map(Double.init)
        case .int32(let v): out = v.map(Double.init)
        case .int64(let v): out = v.map(Double.init)
        case .bool(let v): out = v.map { $0 ? 1 : 0 }
        case .binary: typeFault("a numeric type")
        }
        if let validity {
            for i in 0..<count where !validity[i] { out[i] = nullValue }
        }
        return out
    }

    public func string(at row: Int) -> String? {
        if isNull(row) { return nil }
        return withBinary { o, b in String(decoding: UnsafeBufferPointer(rebasing: b[o[row]..<o[row + 1]]), as: UTF8.self) }
    }

    public func bytes(at row: Int) -> [UInt8]? {
        if isNull(row) { return nil }
        return withBinary { o, b in Array(b[o[row]..<o[row + 1]]) }
    }

    /// The boxed value at `row` (slow path).
    public func value(at row: Int) -> Value {
        precondition(row >= 0 && row < count, "row \(row) out of range 0..<\(count)")
        if isNull(row) { return .null }
        switch (type, storage) {
        case (.bool, .bool(let v)): return .bool(v[row])
        case (.int32, .int32(let v)): return .int32(v[row])
        case (.int64, .int64(let v)): return .int64(v[row])
        case (.timestamp, .int64(let v)): return .timestamp(Timestamp(microsecondsSinceEpoch: v[row]))
        case (.float32, .float32(let v)): return .float32(v[row])
        case (.float64, .float64(let v)): return .float64(v[row])
        case (.string, .binary): return .string(string(at: row)!)
        case (.bytes, .binary): return .bytes(bytes(at: row)!)
        default: typeFault(type.rawValue)
        }
    }

    func typeFault(_ wanted: String) -> Never {
        preconditionFailure("column of type \(type) accessed as \(wanted)")
    }
}
