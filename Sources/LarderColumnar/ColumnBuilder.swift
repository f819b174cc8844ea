public import Larder

/// Appends values of one type into contiguous storage without boxing; ``finish()`` yields a ``Column``.
///
/// Call only the `append` matching the builder's type (timestamps use ``append(timestampMicros:)``,
/// strings ``append(string:)`` or ``append(utf8:)``). The validity bitmap is only allocated at the first null.
///
/// ```swift
/// var b = ColumnBuilder(type: .int64)
/// b.append(42); b.appendNull()
/// let column = b.finish()   // [42, null]
/// ```
public struct ColumnBuilder: Sendable {
    public let type: ValueType
    public private(set) var count = 0
    private var bools: [Bool] = []
    private var ints32: [Int32] = []
    private var ints64: [Int64] = []
    private var floats: [Float] = []
    private var doubles: [Double] = []
    private var offsets: [Int] = []
    private var bytes: [UInt8] = []
    private var validity: Bitmap?

    public init(type: ValueType, capacity: Int = 0) {
        self.type = type
        switch type {
        case .bool: bools.reserveCapacity(capacity)
        case .int32: ints32.reserveCapacity(capacity)
        case .int64, .timestamp: ints64.reserveCapacity(capacity)
        case .float32: floats.reserveCapacity(capacity)
        case .float64: doubles.reserveCapacity(capacity)
        case .string, .bytes:
            offsets.reserveCapacity(capacity + 1)
            offsets.append(0)
        }
    }

    /// Reserves room for `bytes` more string/bytes payload bytes.
    public mutating func reserveBinaryCapacity(_ byteCount: Int) { bytes.reserveCapacity(bytes.count + byteCount) }

    @inline(__always) private mutating func markValid() {
        if validity != nil { validity!.append(true) }
        count += 1
    }

    public mutating func append(_ v: Bool) { assert(type == .bool); bools.append(v); markValid() }
    public mutating func append(_ v: Int32) { assert(type == .int32); ints32.append(v); markValid() }
    public mutating func append(_ v: Int64) { assert(type == .int64 || type == .timestamp); ints64.append(v); markValid() }
    public mutating func append(_ v: Float) { assert(type == .float32); floats.append(v); markValid() }
    public mutating func append(_ v: Double) { assert(type == .float64); doubles.append(v); markValid() }
    public mutating func append(timestampMicros v: Int64) { assert(type == .timestamp); ints64.append(v); markValid() }
    public mutating func append(_ v: Timestamp) { append(timestampMicros: v.microsecondsSinceEpoch) }

    public mutating func append(utf8 v: UnsafeRawBufferPointer) {
        assert(type == .string || type == .bytes)
        bytes.append(contentsOf: v)
        offsets.append(bytes.count)
        markValid()
    }

    public mutating func append(string v: String) {
        assert(type == .string)
        var s = v
        s.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(bytes.count)
        markValid()
    }

    public mutating func append(bytes v: [UInt8]) {
        assert(type == .string || type == .bytes)
        bytes.append(contentsOf: v)
        offsets.append(bytes.count)
        markValid()
    }

    /// Appends one boxed value (slow path). The value must be null or of the builder's type.
    public mutating func append(_ v: Value) {
        switch v {
        case .null: appendNull()
        case .bool(let x): append(x)
        case .int32(let x): append(x)
        case .int64(let x): append(x)
        case .float32(let x): append(x)
        case .float64(let x): append(x)
        case .string(let x): append(string: x)
        case .bytes(let x): append(bytes: x)
        case .timestamp(let t): append(timestampMicros: t.microsecondsSinceEpoch)
        }
    }

    public mutating func appendNull() {
        if validity == nil { validity = Bitmap(count: count, allSet: true) }
        validity!.append(false)
        switch type {
        case .bool: bools.append(false)
        case .int32: ints32.append(0)
        case .int64, .timestamp: ints64.append(0)
        case .float32: floats.append(0)
        case .float64: doubles.append(0)
        case .string, .bytes: offsets.append(bytes.count)
        }
        count += 1
    }

    /// Appends `n` nulls.
    public mutating func appendNulls(_ n: Int) { for _ in 0..<n { appendNull() } }

    /// The column built so far; the builder is left empty.
    public mutating func finish() -> Column {
        let storage: ColumnStorage = switch type {
        case .bool: .bool(bools)
        case .int32: .int32(ints32)
        case .int64, .timestamp: .int64(ints64)
        case .float32: .float32(floats)
        case .float64: .float64(doubles)
        case .string, .bytes: .binary(offsets: offsets, bytes: bytes)
        }
        let column = Column(type: type, storage: storage, validity: validity)
        self = ColumnBuilder(type: type)
        return column
    }
}
