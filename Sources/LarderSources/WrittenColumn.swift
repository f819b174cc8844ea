import Larder
import LarderColumnar

/// A chunk's column of one stored field, from the values a transform wrote (``SlotWrites``) and, for rows
/// that wrote nothing, the field's origin. Values are taken as `Value.converted(to:)` would: the declared
/// type or a lossless widening; anything else, or a null where the field is not nullable, gives nil (the
/// chunk is then judged by the boxed rule, which names the row).
enum WrittenColumn {
    /// `origin` is the field's origin over the chunk at the declared type; nil when every row wrote the
    /// field or the origin is all null.
    static func assemble(_ writes: SlotWrites, type: ValueType, nullable: Bool, origin: Column?) -> Column? {
        // Kinds as constants: WrittenKind's `rawValue` getter is a call across modules, not inlined (an
        // `@inlinable package` constant was tried: still called, and 15 % slower).
        let bool = WrittenKind.bool.rawValue, int32 = WrittenKind.int32.rawValue, int64 = WrittenKind.int64.rawValue
        let float32 = WrittenKind.float32.rawValue, float64 = WrittenKind.float64.rawValue, timestamp = WrittenKind.timestamp.rawValue
        func column<T>(_ values: KeyPath<Column, [T]>, zero: T, _ storage: ([T]) -> ColumnStorage,
                       convert: (UInt8, UInt64) -> T?) -> Column? {
            merged(writes, nullable: nullable, origin: origin?[keyPath: values], origin?.validity, zero: zero, convert: convert)
                .map { Column(type: type, storage: storage($0.values), validity: $0.validity) }
        }
        switch type {
        case .bool:
            return column(\.boolValues, zero: false, ColumnStorage.bool) { kind, bits in kind == bool ? bits != 0 : nil }
        case .int32:
            return column(\.int32Values, zero: 0, ColumnStorage.int32) { kind, bits in
                kind == int32 ? Int32(bitPattern: UInt32(truncatingIfNeeded: bits)) : nil
            }
        case .int64:
            return column(\.int64Values, zero: 0, ColumnStorage.int64) { kind, bits in
                switch kind {
                case int64: Int64(bitPattern: bits)
                case int32: Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
                default: nil
                }
            }
        case .timestamp:
            return column(\.int64Values, zero: 0, ColumnStorage.int64) { kind, bits in kind == timestamp ? Int64(bitPattern: bits) : nil }
        case .float32:
            return column(\.float32Values, zero: 0, ColumnStorage.float32) { kind, bits in
                kind == float32 ? Float(bitPattern: UInt32(truncatingIfNeeded: bits)) : nil
            }
        case .float64:
            return column(\.float64Values, zero: 0, ColumnStorage.float64) { kind, bits in
                switch kind {
                case float64: Double(bitPattern: bits)
                case float32: Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
                case int32: Double(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
                default: nil
                }
            }
        case .string, .bytes:
            return binary(writes, type: type, nullable: nullable, origin: origin)
        }
    }

    /// Fixed-width values: each row converted from its kind and bits, or taken from the origin when not
    /// written (its validity too; no origin means null).
    @inline(__always)
    private static func merged<T>(_ writes: SlotWrites, nullable: Bool, origin: [T]?, _ originValidity: Bitmap?, zero: T,
                                  convert: (UInt8, UInt64) -> T?) -> (values: [T], validity: Bitmap)? {
        let count = writes.count, words = (count + 63) >> 6
        var valid = [UInt64](repeating: 0, count: words)
        var unwritten = [UInt64](repeating: 0, count: words)
        var failed = false
        let none = WrittenKind.none.rawValue, null = WrittenKind.null.rawValue
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = buffer.baseAddress!, kinds = writes.kinds, bits = writes.bits
            for row in 0..<count {
                let kind = kinds[row]
                let bit: UInt64 = 1 &<< UInt64(row & 63)
                if kind == none {
                    (out + row).initialize(to: origin?[row] ?? zero)
                    unwritten[row &>> 6] |= bit
                } else if let value = convert(kind, bits[row]) {
                    (out + row).initialize(to: value)
                    valid[row &>> 6] |= bit
                } else {
                    (out + row).initialize(to: zero)
                    if kind != null || !nullable { failed = true }
                }
            }
            initialized = count
        }
        // An unwritten row is valid where the origin is (no origin: null).
        if origin != nil {
            for w in 0..<words { valid[w] |= unwritten[w] & (originValidity?.words[w] ?? ~0) }
        }
        return failed ? nil : (values, Bitmap(words: valid, count: count))
    }

    private static func binary(_ writes: SlotWrites, type: ValueType, nullable: Bool, origin: Column?) -> Column? {
        let none = WrittenKind.none.rawValue, null = WrittenKind.null.rawValue
        let expected = type == .string ? WrittenKind.string.rawValue : WrittenKind.bytes.rawValue
        var builder = ColumnBuilder(type: type, capacity: writes.count)
        for row in 0..<writes.count {
            switch writes.kinds[row] {
            case none: builder.append(origin?.value(at: row) ?? .null)
            case null:
                guard nullable else { return nil }
                builder.appendNull()
            case expected: builder.append(writes.value(at: row))
            default: return nil
            }
        }
        return builder.finish()
    }
}
