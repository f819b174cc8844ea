import Larder
import LarderColumnar

/// The values a transform wrote to one stored field over one chunk, kept typed at their rows' positions
/// (a bitmap says which rows), so a write costs one store and the chunk's column is one pass merging
/// them with the field's origin. A struct over buffers it owns (kept in a buffer of the chunk's, so the
/// per-row path counts no references); ``deallocate()`` frees them. Values are taken as `Value.converted(to:)` would: the declared type or a
/// lossless widening; anything else is refused (the chunk is then judged by the boxed rule).
struct FieldOverrides {
    let type: ValueType
    /// Rows in the chunk.
    let count: Int
    private(set) var writtenCount = 0
    private let words: Int
    private let written: UnsafeMutablePointer<UInt64>
    /// Written rows whose value is null.
    private let nulls: UnsafeMutablePointer<UInt64>
    /// `count` values of the type's width, for fixed-width types.
    private let fixed: UnsafeMutableRawPointer?
    /// Strings and bytes, in row order (a row written twice keeps its last value).
    private var binary: ColumnBuilder
    private var binaryRows: [Int] = []

    init(type: ValueType, count: Int) {
        self.type = type
        self.count = count
        words = (count + 63) / 64
        written = .allocate(capacity: max(words, 1))
        written.initialize(repeating: 0, count: max(words, 1))
        nulls = .allocate(capacity: max(words, 1))
        nulls.initialize(repeating: 0, count: max(words, 1))
        fixed = Self.width(type).map { width in
            let bytes = UnsafeMutableRawPointer.allocate(byteCount: max(width * count, 1), alignment: 8)
            bytes.initializeMemory(as: UInt8.self, repeating: 0, count: max(width * count, 1))
            return bytes
        }
        binary = ColumnBuilder(type: type)
    }

    func deallocate() {
        written.deallocate()
        nulls.deallocate()
        fixed?.deallocate()
    }

    private static func width(_ type: ValueType) -> Int? {
        switch type {
        case .bool: 1
        case .int32, .float32: 4
        case .int64, .float64, .timestamp: 8
        case .string, .bytes: nil
        }
    }

    @inline(__always) func isWritten(_ row: Int) -> Bool { written[row &>> 6] & (1 &<< UInt64(row & 63)) != 0 }

    /// Records `value` for chunk row `row`; false when it does not fit the type (or is a null where
    /// `nullable` is false).
    @inline(__always) mutating func store(_ value: UnsafePointer<Value>, at row: Int, nullable: Bool) -> Bool {
        let bit: UInt64 = 1 &<< UInt64(row & 63)
        switch (type, value.pointee) {
        case (_, .null):
            guard nullable else { return false }
            nulls[row &>> 6] |= bit
            if type == .string || type == .bytes { appendBinary(row) { $0.appendNull() } }
        case (.float32, .float32(let x)): fixed.unsafelyUnwrapped.storeBytes(of: x, toByteOffset: row &* 4, as: Float.self)
        case (.float64, .float64(let x)): fixed.unsafelyUnwrapped.storeBytes(of: x, toByteOffset: row &* 8, as: Double.self)
        case (.float64, .float32(let x)): fixed.unsafelyUnwrapped.storeBytes(of: Double(x), toByteOffset: row &* 8, as: Double.self)
        case (.float64, .int32(let x)): fixed.unsafelyUnwrapped.storeBytes(of: Double(x), toByteOffset: row &* 8, as: Double.self)
        case (.int32, .int32(let x)): fixed.unsafelyUnwrapped.storeBytes(of: x, toByteOffset: row &* 4, as: Int32.self)
        case (.int64, .int64(let x)): fixed.unsafelyUnwrapped.storeBytes(of: x, toByteOffset: row &* 8, as: Int64.self)
        case (.int64, .int32(let x)): fixed.unsafelyUnwrapped.storeBytes(of: Int64(x), toByteOffset: row &* 8, as: Int64.self)
        case (.timestamp, .timestamp(let t)):
            fixed.unsafelyUnwrapped.storeBytes(of: t.microsecondsSinceEpoch, toByteOffset: row &* 8, as: Int64.self)
        case (.bool, .bool(let x)): fixed.unsafelyUnwrapped.storeBytes(of: x, toByteOffset: row, as: Bool.self)
        case (.string, .string(let s)): appendBinary(row) { $0.append(string: s) }
        case (.bytes, .bytes(let b)): appendBinary(row) { $0.append(bytes: b) }
        default: return false
        }
        if value.pointee.isNull == false { nulls[row &>> 6] &= ~bit }
        if written[row &>> 6] & bit == 0 {
            written[row &>> 6] |= bit
            writtenCount &+= 1
        }
        return true
    }

    private mutating func appendBinary(_ row: Int, _ append: (inout ColumnBuilder) -> Void) {
        // Cursor slots are written once per row at most by the time the chunk reads them; rows come in order.
        binaryRows.append(row)
        append(&binary)
    }

    /// The chunk's column: written rows from here, the others from `origin` (the field's origin for the
    /// chunk at the declared type; `nil` when every row was written or the origin is all null).
    mutating func column(origin: Column?) -> Column {
        switch type {
        case .string, .bytes:
            let values = binary.finish()
            guard writtenCount < count else { return values }
            var indices = Array(0..<count)
            for (k, row) in binaryRows.enumerated() { indices[row] = count + k }
            return Column.concatenate([origin ?? .nulls(type: type, count: count), values]).gather(indices)
        case .bool: return merged(Bool.self, origin: origin.map { $0.boolValues }, origin?.validity) { .bool($0) }
        case .int32: return merged(Int32.self, origin: origin.map { $0.int32Values }, origin?.validity) { .int32($0) }
        case .int64: return merged(Int64.self, origin: origin.map { $0.int64Values }, origin?.validity) { .int64($0) }
        case .timestamp: return merged(Int64.self, origin: origin.map { $0.int64Values }, origin?.validity) { .int64($0) }
        case .float32: return merged(Float.self, origin: origin.map { $0.float32Values }, origin?.validity) { .float32($0) }
        case .float64: return merged(Double.self, origin: origin.map { $0.float64Values }, origin?.validity) { .float64($0) }
        }
    }

    private func merged<T>(_: T.Type, origin: [T]?, _ originValidity: Bitmap?, _ storage: ([T]) -> ColumnStorage) -> Column {
        let raw = fixed.unsafelyUnwrapped.assumingMemoryBound(to: T.self)
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for row in 0..<count {
                (buffer.baseAddress! + row).initialize(to: isWritten(row) || origin == nil ? raw[row] : origin.unsafelyUnwrapped[row])
            }
            initialized = count
        }
        // Valid: written and not null, or not written and valid in the origin (which has no nulls when it
        // has no bitmap; a missing origin is all null).
        var valid = [UInt64](repeating: 0, count: words)
        for w in 0..<words {
            let originValid: UInt64 = origin == nil ? 0 : (originValidity?.words[w] ?? ~0)
            valid[w] = (written[w] & ~nulls[w]) | (~written[w] & originValid)
        }
        return Column(type: type, storage: storage(values), validity: Bitmap(words: valid, count: count))
    }
}
