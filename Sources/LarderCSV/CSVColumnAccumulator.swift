internal import Larder
internal import LarderColumnar

/// What was wrong with one value, before the reader knows its line and column.
struct CSVValueProblem: Error {
    var kind: CSVError.Kind
    var expected: String
}

/// The typed storage one chunk of the reader fills for one column: a contiguous array of the column's
/// type and a validity bitmap that is only allocated at the first null.
struct CSVColumnAccumulator {
    let type: ValueType
    let nullable: Bool
    private(set) var count = 0
    var bools: [Bool] = []
    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    var offsets: [Int] = []
    var bytes: [UInt8] = []
    /// Validity words (bit set = present); empty while the column has no null.
    var validity: [UInt64] = []
    private(set) var hasNulls = false
    private var dateCache = CSVDateCache()

    init(type: ValueType, nullable: Bool, capacity: Int) {
        self.type = type
        self.nullable = nullable
        switch type {
        case .bool: bools.reserveCapacity(capacity)
        case .int32: int32s.reserveCapacity(capacity)
        case .int64, .timestamp: int64s.reserveCapacity(capacity)
        case .float32: floats.reserveCapacity(capacity)
        case .float64: doubles.reserveCapacity(capacity)
        case .string, .bytes:
            offsets.reserveCapacity(capacity + 1)
            offsets.append(0)
        }
    }

    /// Parses `field` as the column's type and appends it; an empty field is a null (for strings, only
    /// an unquoted empty field: `""` is the empty string).
    @inline(__always)
    mutating func append(_ field: CSVField) throws(CSVValueProblem) {
        let p = field.pointer, n = field.count
        if n == 0 && (type != .string || !field.quoted) {
            try appendNull()
            return
        }
        switch type {
        case .int64:
            guard let v = CSVFieldParsing.int64(p, n) else { throw problem("an int64 integer such as 42 or -7") }
            int64s.append(v)
        case .timestamp:
            guard let v = CSVTimestampParsing.micros(p, n, cache: &dateCache) else {
                throw problem("a timestamp: ISO-8601 such as 2026-01-01T08:30:00Z or 2026-01-01T08:30:00.5+02:00, or epoch seconds/ms/µs/ns")
            }
            int64s.append(v)
        case .float32:
            guard let v = CSVFieldParsing.float32(p, n) else { throw problem("a float32 number such as 0.25, -1.5e-3, nan or inf") }
            floats.append(v)
        case .float64:
            guard let v = CSVFieldParsing.float64(p, n) else { throw problem("a float64 number such as 0.25, -1.5e-3, nan or inf") }
            doubles.append(v)
        case .int32:
            guard let v = CSVFieldParsing.int64(p, n), let narrow = Int32(exactly: v) else {
                throw problem("an int32 integer between -2147483648 and 2147483647")
            }
            int32s.append(narrow)
        case .bool:
            guard let v = CSVFieldParsing.bool(p, n) else { throw problem("a bool: true, false, 1 or 0") }
            bools.append(v)
        case .string:
            if !CSVAccumulatorText.isASCII(p, n) {
                guard CSVAccumulatorText.isValidUTF8(UnsafeBufferPointer(start: p, count: n)) else {
                    throw CSVValueProblem(kind: .invalidUTF8, expected: "valid UTF-8 text; convert the file to UTF-8")
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
            offsets.append(bytes.count)
        case .bytes:
            guard CSVAccumulatorText.appendHex(p, n, to: &bytes) else {
                throw problem("bytes as hexadecimal digits, optionally after 0x, such as 0x00ff")
            }
            offsets.append(bytes.count)
        }
        if hasNulls { setValid(count) }
        count += 1
    }

    /// The bytes the accumulator's arrays have allocated (capacities, not counts: growth doubles them).
    var heldBytes: Int {
        bools.capacity + 4 * int32s.capacity + 8 * int64s.capacity + 4 * floats.capacity + 8 * doubles.capacity
            + 8 * offsets.capacity + bytes.capacity + 8 * validity.capacity
    }

    private func problem(_ expected: String) -> CSVValueProblem {
        CSVValueProblem(kind: .badValue, expected: expected + "; fix the value or declare the column as string")
    }

    mutating func appendNull() throws(CSVValueProblem) {
        guard nullable else {
            throw CSVValueProblem(
                kind: .nullInNonNullable,
                expected: "a \(type) value: the column is not nullable; fill the value or declare the field nullable")
        }
        if !hasNulls {
            hasNulls = true
            validity = [UInt64](repeating: 0, count: (count + 64) >> 6)
            for i in 0..<count { setValid(i) }
        }
        if count >> 6 >= validity.count { validity.append(0) }
        switch type {
        case .bool: bools.append(false)
        case .int32: int32s.append(0)
        case .int64, .timestamp: int64s.append(0)
        case .float32: floats.append(0)
        case .float64: doubles.append(0)
        case .string, .bytes: offsets.append(bytes.count)
        }
        count += 1
    }

    @inline(__always)
    private mutating func setValid(_ row: Int) {
        if row >> 6 >= validity.count { validity.append(0) }
        validity[row >> 6] |= 1 << UInt64(row & 63)
    }

    /// Appends all rows of `other` (a later chunk of the same column) and empties it.
    mutating func absorb(_ other: inout CSVColumnAccumulator) {
        if other.hasNulls || hasNulls {
            var mine = bitmap()
            mine.append(contentsOf: other.bitmap())
            validity = mine.words
            hasNulls = true
        }
        switch type {
        case .bool: bools.append(contentsOf: other.bools)
        case .int32: int32s.append(contentsOf: other.int32s)
        case .int64, .timestamp: int64s.append(contentsOf: other.int64s)
        case .float32: floats.append(contentsOf: other.floats)
        case .float64: doubles.append(contentsOf: other.doubles)
        case .string, .bytes:
            let shift = bytes.count
            offsets.reserveCapacity(offsets.count + other.count)
            for k in 1..<other.offsets.count { offsets.append(other.offsets[k] + shift) }
            bytes.append(contentsOf: other.bytes)
        }
        count += other.count
        other = CSVColumnAccumulator(type: type, nullable: nullable, capacity: 0)
    }

    private func bitmap() -> Bitmap {
        hasNulls ? Bitmap(words: validity, count: count) : Bitmap(count: count, allSet: true)
    }

    /// The finished column; the accumulator's storage moves into it.
    consuming func column() -> Column {
        let storage: ColumnStorage = switch type {
        case .bool: .bool(bools)
        case .int32: .int32(int32s)
        case .int64, .timestamp: .int64(int64s)
        case .float32: .float32(floats)
        case .float64: .float64(doubles)
        case .string, .bytes: .binary(offsets: offsets, bytes: bytes)
        }
        return Column(type: type, storage: storage, validity: hasNulls ? bitmap() : nil)
    }
}
