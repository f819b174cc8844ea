/// Typed pointers into one column's buffers, valid inside `withColumnPointers` (LarderSources): a transform's
/// row cursor reads values through them without boxing, exclusivity checks or retains per access.
package struct ColumnPointers {
    package let type: ValueType
    /// The element buffer (`Bool`, `Int32`, `Int64`, `Float`, `Double` or UTF-8 bytes).
    package let values: UnsafeRawPointer?
    /// Arrow offsets for strings and bytes.
    package let offsets: UnsafePointer<Int>?
    /// Validity words; `nil` when the column has no nulls.
    package let validity: UnsafePointer<UInt64>?

    package init(type: ValueType, values: UnsafeRawPointer?, offsets: UnsafePointer<Int>?, validity: UnsafePointer<UInt64>?) {
        self.type = type
        self.values = values
        self.offsets = offsets
        self.validity = validity
    }

    @inline(__always) func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return validity[row &>> 6] & (1 &<< UInt64(row & 63)) == 0
    }

    @inline(__always) func load<T>(_ row: Int, as: T.Type) -> T { values.unsafelyUnwrapped.load(fromByteOffset: row &* MemoryLayout<T>.stride, as: T.self) }

    /// The bytes of row `row` of a string or bytes column.
    @inline(__always) func bytes(_ row: Int) -> UnsafeBufferPointer<UInt8> {
        let o = offsets.unsafelyUnwrapped
        let start = o[row], end = o[row &+ 1]
        return UnsafeBufferPointer(start: values.map { $0.assumingMemoryBound(to: UInt8.self) + start }, count: end - start)
    }

    /// Row `row` boxed, as `Column.value(at:)` gives it.
    func value(_ row: Int) -> Value {
        if isNull(row) { return .null }
        switch type {
        case .bool: return .bool(load(row, as: Bool.self))
        case .int32: return .int32(load(row, as: Int32.self))
        case .int64: return .int64(load(row, as: Int64.self))
        case .timestamp: return .timestamp(Timestamp(microsecondsSinceEpoch: load(row, as: Int64.self)))
        case .float32: return .float32(load(row, as: Float.self))
        case .float64: return .float64(load(row, as: Double.self))
        case .string: return .string(String(decoding: bytes(row), as: UTF8.self))
        case .bytes: return .bytes(Array(bytes(row)))
        }
    }
}

