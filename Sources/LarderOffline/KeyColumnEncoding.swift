import Larder
import LarderColumnar

/// How the values of one join-key column map to dense ids `0..<keyCount`: directly by offset when integer keys
/// span a small range (no hashing at all), through an ``Int64KeyMap`` otherwise, through a ``BinaryKeyMap`` for
/// strings and bytes. Ids of null keys (and, on lookup, of unknown keys) are -1.
///
/// ```swift
/// let (encoding, ids) = KeyColumnEncoding.encode(Column(int64: [10, 12, 10]))
/// // encoding == .direct(minimum: 10, keyCount: 3), ids == [0, 2, 0]
/// encoding.lookup(Column(int64: [12, 99]))   // [2, -1]
/// ```
enum KeyColumnEncoding: Sendable {
    case direct(minimum: Int64, keyCount: Int)
    case hashed(Int64KeyMap)
    case binary(BinaryKeyMap)

    var keyCount: Int {
        switch self {
        case .direct(_, let n): n
        case .hashed(let map): map.count
        case .binary(let map): map.count
        }
    }

    /// Direct indexing is used while the value range is at most this many times the row count (plus a floor for
    /// small inputs): the per-key arrays of the join then cost at most a few bytes per stored row.
    static func directRangeLimit(rowCount: Int) -> Int { max(1 << 16, 2 * rowCount) }

    /// Encodes a stored key column (int32, int64, string or bytes).
    static func encode(_ column: Column) -> (KeyColumnEncoding, [Int32]) {
        switch column.storage {
        case .int64(let v): v.withUnsafeBufferPointer { encodeIntegers($0, validity: column.validity, negativeIsNull: false) }
        case .int32(let v): v.withUnsafeBufferPointer { encodeIntegers($0, validity: column.validity, negativeIsNull: false) }
        case .binary: encodeBinary(column)
        default: preconditionFailure("join key of type \(column.type) reached the key encoder")
        }
    }

    /// Encodes combined ids (negative = null), as built by ``JoinKeyIndex`` for multi-column keys.
    static func encode(combined values: [Int64]) -> (KeyColumnEncoding, [Int32]) {
        values.withUnsafeBufferPointer { encodeIntegers($0, validity: nil, negativeIsNull: true) }
    }

    /// The ids of an entity key column's values under this encoding (-1 = null or not stored).
    func lookup(_ column: Column) -> [Int32] {
        switch column.storage {
        case .int64(let v): v.withUnsafeBufferPointer { lookupIntegers($0, validity: column.validity, negativeIsNull: false) }
        case .int32(let v): v.withUnsafeBufferPointer { lookupIntegers($0, validity: column.validity, negativeIsNull: false) }
        case .binary: lookupBinary(column)
        default: preconditionFailure("join key of type \(column.type) reached the key encoder")
        }
    }

    func lookup(combined values: [Int64]) -> [Int32] {
        values.withUnsafeBufferPointer { lookupIntegers($0, validity: nil, negativeIsNull: true) }
    }

    // MARK: integers

    private static func encodeIntegers<T: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeBufferPointer<T>, validity: Bitmap?, negativeIsNull: Bool
    ) -> (KeyColumnEncoding, [Int32]) {
        let n = values.count
        let valid = NullMask(validity, negativeIsNull: negativeIsNull)
        var minimum = Int64.max, maximum = Int64.min
        for i in 0..<n where valid.isValid(i, values[i]) {
            let v = Int64(values[i])
            minimum = min(minimum, v)
            maximum = max(maximum, v)
        }
        if minimum > maximum { return (.direct(minimum: 0, keyCount: 0), [Int32](repeating: -1, count: n)) }
        let (span, overflow) = maximum.subtractingReportingOverflow(minimum)
        if !overflow && span < directRangeLimit(rowCount: n) {
            let encoding = KeyColumnEncoding.direct(minimum: minimum, keyCount: Int(span) + 1)
            return (encoding, encoding.lookupIntegers(values, validity: validity, negativeIsNull: negativeIsNull))
        }
        // Start small: distinct keys are usually far fewer than rows, and the map doubles as needed.
        var map = Int64KeyMap(expectedCount: min(n, 1 << 10))
        let ids = [Int32](unsafeUninitializedCapacity: n) { out, initialized in
            for i in 0..<n {
                out[i] = valid.isValid(i, values[i]) ? map.insert(Int64(values[i])) : -1
            }
            initialized = n
        }
        return (.hashed(map), ids)
    }

    private func lookupIntegers<T: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeBufferPointer<T>, validity: Bitmap?, negativeIsNull: Bool
    ) -> [Int32] {
        let n = values.count
        let valid = NullMask(validity, negativeIsNull: negativeIsNull)
        return [Int32](unsafeUninitializedCapacity: n) { out, initialized in
            switch self {
            case .direct(let minimum, let keyCount):
                let outBase = out.baseAddress!
                ParallelChunks.run(count: n, minimumChunk: 1 << 18) { range in
                    for i in range {
                        var id: Int32 = -1
                        if valid.isValid(i, values[i]) {
                            let (offset, overflow) = Int64(values[i]).subtractingReportingOverflow(minimum)
                            if !overflow && offset >= 0 && offset < keyCount { id = Int32(truncatingIfNeeded: offset) }
                        }
                        outBase[i] = id
                    }
                }
            case .hashed(let map):
                let outBase = out.baseAddress!
                ParallelChunks.run(count: n, minimumChunk: 1 << 16) { range in
                    for i in range { outBase[i] = valid.isValid(i, values[i]) ? map.find(Int64(values[i])) : -1 }
                }
            case .binary:
                preconditionFailure("integer keys looked up in a string key encoding")
            }
            initialized = n
        }
    }

    // MARK: strings and bytes

    private static func encodeBinary(_ column: Column) -> (KeyColumnEncoding, [Int32]) {
        let n = column.count
        let valid = NullMask(column.validity, negativeIsNull: false)
        var map = BinaryKeyMap(expectedCount: min(n, 1 << 10))
        let ids = column.withBinary { offsets, bytes in
            [Int32](unsafeUninitializedCapacity: n) { out, initialized in
                let raw = UnsafeRawBufferPointer(bytes)
                for i in 0..<n {
                    out[i] = valid.isValid(i, 0) ? map.insert(UnsafeRawBufferPointer(rebasing: raw[offsets[i]..<offsets[i + 1]])) : -1
                }
                initialized = n
            }
        }
        return (.binary(map), ids)
    }

    private func lookupBinary(_ column: Column) -> [Int32] {
        guard case .binary(let map) = self else { preconditionFailure("string keys looked up in an integer key encoding") }
        let n = column.count
        let valid = NullMask(column.validity, negativeIsNull: false)
        return column.withBinary { offsets, bytes in
            [Int32](unsafeUninitializedCapacity: n) { out, initialized in
                let raw = UnsafeRawBufferPointer(bytes)
                let outBase = out.baseAddress!
                ParallelChunks.run(count: n, minimumChunk: 1 << 15) { range in
                    for i in range {
                        outBase[i] = valid.isValid(i, 0)
                            ? map.find(UnsafeRawBufferPointer(rebasing: raw[offsets[i]..<offsets[i + 1]])) : -1
                    }
                }
                initialized = n
            }
        }
    }
}

/// Which rows of a key column are null: per the validity bitmap, and for combined ids also negative values.
struct NullMask: Sendable {
    private let words: [UInt64]
    private let hasBitmap: Bool
    private let negativeIsNull: Bool

    init(_ validity: Bitmap?, negativeIsNull: Bool) {
        words = validity?.words ?? []
        hasBitmap = validity != nil
        self.negativeIsNull = negativeIsNull
    }

    @inline(__always)
    func isValid<T: FixedWidthInteger & SignedInteger>(_ row: Int, _ value: T) -> Bool {
        if negativeIsNull && value < 0 { return false }
        if hasBitmap { return words[row >> 6] & (1 << UInt64(row & 63)) != 0 }
        return true
    }
}
