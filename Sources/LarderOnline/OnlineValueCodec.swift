import Larder

/// The bytes of a feature value in its Redis hash field: exact and compact.
///
/// | type      | bytes                                   |
/// |-----------|-----------------------------------------|
/// | bool      | 1 byte, 0 or 1                           |
/// | int32     | 4 bytes, two's complement little-endian  |
/// | int64     | 8 bytes, little-endian                   |
/// | float32   | 4 bytes, IEEE 754 bits little-endian     |
/// | float64   | 8 bytes, IEEE 754 bits little-endian     |
/// | string    | the UTF-8 bytes                          |
/// | bytes     | the bytes                                |
/// | timestamp | 8 bytes, microseconds since epoch LE     |
///
/// Null is the absence of the field (a write replaces the whole hash, so an older value cannot
/// show through).
enum OnlineValueCodec {
    /// Appends the value of `column` at `row` (not null) as one pipeline argument.
    static func appendValue(_ column: OnlineColumn, row: Int, to pipeline: inout RedisPipeline) {
        switch column {
        case .bool(let v, _): appendFixed(UInt8(v[row] ? 1 : 0), to: &pipeline)
        case .int32(let v, _): appendFixed(UInt32(bitPattern: v[row]).littleEndian, to: &pipeline)
        case .int64(let v, _): appendFixed(UInt64(bitPattern: v[row]).littleEndian, to: &pipeline)
        case .float32(let v, _): appendFixed(v[row].bitPattern.littleEndian, to: &pipeline)
        case .float64(let v, _): appendFixed(v[row].bitPattern.littleEndian, to: &pipeline)
        case .timestamp(let v, _): appendFixed(UInt64(bitPattern: v[row].microsecondsSinceEpoch).littleEndian, to: &pipeline)
        case .string(let v, _): pipeline.appendArgument(v[row])
        case .bytes(let v, _): pipeline.appendArgument(v[row])
        }
    }

    @inline(__always)
    private static func appendFixed<T: FixedWidthInteger>(_ value: T, to pipeline: inout RedisPipeline) {
        pipeline.appendArgument(length: MemoryLayout<T>.size) { $0.storeBytes(of: value, as: T.self) }
    }

    /// The bytes of one value (none for null), as ``appendValue(_:row:to:)`` writes a column's.
    static func encode(_ value: Value) -> [UInt8] {
        switch value {
        case .null: []
        case .bool(let b): [b ? 1 : 0]
        case .int32(let v): withUnsafeBytes(of: UInt32(bitPattern: v).littleEndian, Array.init)
        case .int64(let v): withUnsafeBytes(of: UInt64(bitPattern: v).littleEndian, Array.init)
        case .float32(let v): withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init)
        case .float64(let v): withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init)
        case .timestamp(let t): withUnsafeBytes(of: UInt64(bitPattern: t.microsecondsSinceEpoch).littleEndian, Array.init)
        case .string(let s): Array(s.utf8)
        case .bytes(let b): b
        }
    }

    /// Decodes stored bytes as `type`, or `nil` when the length does not fit the type.
    static func decode(_ bytes: UnsafeRawBufferPointer, as type: ValueType) -> Value? {
        switch type {
        case .bool:
            guard bytes.count == 1 else { return nil }
            return .bool(bytes[0] != 0)
        case .int32:
            guard bytes.count == 4 else { return nil }
            return .int32(Int32(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))))
        case .int64:
            guard bytes.count == 8 else { return nil }
            return .int64(Int64(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))))
        case .float32:
            guard bytes.count == 4 else { return nil }
            return .float32(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))))
        case .float64:
            guard bytes.count == 8 else { return nil }
            return .float64(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))))
        case .timestamp:
            guard bytes.count == 8 else { return nil }
            return .timestamp(Timestamp(microsecondsSinceEpoch: Int64(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)))))
        case .string:
            return .string(String(decoding: bytes, as: UTF8.self))
        case .bytes:
            return .bytes(Array(bytes))
        }
    }
}
