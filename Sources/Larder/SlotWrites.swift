/// What a written value was, per row of a ``SlotWrites``; `none` for a row that did not write the slot.
package enum WrittenKind: UInt8 {
    case none = 0, null, bool, int32, int64, float32, float64, timestamp, string, bytes
}

/// The values a transform wrote to one slot over a chunk, a kind byte and eight bits per row (the
/// value's bit pattern), strings and bytes boxed beside: a write is two stores, and the chunk's columns
/// are assembled from these buffers column-wise. A struct over buffers it owns (the cursor frees them).
package struct SlotWrites {
    /// Rows in the chunk.
    package let count: Int
    package let kinds: UnsafeMutablePointer<UInt8>
    package let bits: UnsafeMutablePointer<UInt64>
    /// Strings and bytes at their rows, allocated on the first one.
    package private(set) var boxed: UnsafeMutablePointer<Value>?

    package init(count: Int) {
        self.count = count
        kinds = .allocate(capacity: max(count, 1))
        kinds.initialize(repeating: WrittenKind.none.rawValue, count: max(count, 1))
        bits = .allocate(capacity: max(count, 1))
        boxed = nil
    }

    package func deallocate() {
        kinds.deallocate()
        bits.deallocate()
        if let boxed {
            boxed.deinitialize(count: count)
            boxed.deallocate()
        }
    }

    @inline(__always) package mutating func store(_ value: Value, at row: Int) {
        let kind: WrittenKind
        switch value {
        case .null: kind = .null
        case .bool(let x): kind = .bool; bits[row] = x ? 1 : 0
        case .int32(let x): kind = .int32; bits[row] = UInt64(UInt32(bitPattern: x))
        case .int64(let x): kind = .int64; bits[row] = UInt64(bitPattern: x)
        case .float32(let x): kind = .float32; bits[row] = UInt64(x.bitPattern)
        case .float64(let x): kind = .float64; bits[row] = x.bitPattern
        case .timestamp(let t): kind = .timestamp; bits[row] = UInt64(bitPattern: t.microsecondsSinceEpoch)
        case .string: kind = .string; box(value, at: row)
        case .bytes: kind = .bytes; box(value, at: row)
        }
        kinds[row] = kind.rawValue
    }

    private mutating func box(_ value: Value, at row: Int) {
        if boxed == nil {
            let buffer = UnsafeMutablePointer<Value>.allocate(capacity: max(count, 1))
            buffer.initialize(repeating: .null, count: max(count, 1))
            boxed = buffer
        }
        boxed.unsafelyUnwrapped[row] = value
    }

    /// The value written at `row` (which was written).
    package func value(at row: Int) -> Value {
        let b = bits[row]
        switch WrittenKind(rawValue: kinds[row]).unsafelyUnwrapped {
        case .none, .null: return .null
        case .bool: return .bool(b != 0)
        case .int32: return .int32(Int32(bitPattern: UInt32(truncatingIfNeeded: b)))
        case .int64: return .int64(Int64(bitPattern: b))
        case .float32: return .float32(Float(bitPattern: UInt32(truncatingIfNeeded: b)))
        case .float64: return .float64(Double(bitPattern: b))
        case .timestamp: return .timestamp(Timestamp(microsecondsSinceEpoch: Int64(bitPattern: b)))
        case .string, .bytes: return boxed.unsafelyUnwrapped[row]
        }
    }

    /// `value(at:).doubleValue` without boxing.
    @inline(__always) func double(at row: Int) -> Double? {
        let b = bits[row]
        switch WrittenKind(rawValue: kinds[row]).unsafelyUnwrapped {
        case .float32: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: b)))
        case .float64: return Double(bitPattern: b)
        case .int32: return Double(Int32(bitPattern: UInt32(truncatingIfNeeded: b)))
        case .int64, .timestamp: return Double(Int64(bitPattern: b))
        case .bool: return b != 0 ? 1 : 0
        case .none, .null, .string, .bytes: return nil
        }
    }
}
