import LarderColumnar

// A bounds-checked reader of the Thrift compact protocol, enough for Parquet's footer and page headers.
// Every length read from the file is checked against the remaining bytes, so a corrupt footer yields a
// `ParquetError`, never an out-of-bounds read; nesting depth is capped so hostile input cannot recurse forever,
// and the memory the decoded lists and strings take is charged to `decodedBytesLeft`, so a footer whose
// millions of one-byte structs would expand a hundredfold fails instead.

/// Thrift compact type ids.
enum ThriftType: UInt8 {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
    case binary = 8, list = 9, set = 10, map = 11, `struct` = 12
}

struct ThriftCompactReader {
    let base: UnsafeRawPointer
    let end: Int
    private(set) var position: Int
    private var lastFieldIDs: [Int16] = []
    private var pendingBool: Bool?
    private static let maxDepth = 64
    /// Bytes the decoded values may still take (lists' elements, strings and binaries).
    private(set) var decodedBytesLeft: Int
    private let decodedBytesLimit: Int

    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0, maxDecodedBytes: Int = .max) {
        base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        end = buffer.count
        self.position = position
        decodedBytesLeft = maxDecodedBytes
        decodedBytesLimit = maxDecodedBytes
    }

    /// Charges `count` values of `stride` bytes to the decoded-size limit.
    private mutating func charge(_ count: Int, stride: Int) throws(ParquetError) {
        guard let bytes = DecodeBudget.product(count, stride), bytes <= decodedBytesLeft else {
            throw ParquetError(
                .limitExceeded,
                "the footer's metadata decodes to more than maxDecodedBytes = \(byteText(decodedBytesLimit)) (\(count) values at byte \(position))")
        }
        decodedBytesLeft -= bytes
    }

    private func fail(_ what: String) -> ParquetError {
        ParquetError(.malformed, "corrupt Thrift metadata at byte \(position): \(what)")
    }

    mutating func readByte() throws(ParquetError) -> UInt8 {
        guard position < end else { throw fail("unexpected end of data") }
        let b = base.load(fromByteOffset: position, as: UInt8.self)
        position += 1
        return b
    }

    mutating func readVarint() throws(ParquetError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            guard shift < 64 else { throw fail("varint longer than 10 bytes") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readI64() throws(ParquetError) -> Int64 {
        let v = try readVarint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func readI32() throws(ParquetError) -> Int32 {
        let v = try readI64()
        guard let r = Int32(exactly: v) else { throw fail("i32 value \(v) out of range") }
        return r
    }

    /// A non-negative i32 as `Int` (sizes, counts, enum values).
    mutating func readCount() throws(ParquetError) -> Int {
        let v = try readI32()
        guard v >= 0 else { throw fail("negative count/size \(v)") }
        return Int(v)
    }

    mutating func readDouble() throws(ParquetError) -> Double {
        guard end - position >= 8 else { throw fail("truncated double") }
        let bits = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position += 8
        return Double(bitPattern: bits)
    }

    mutating func readBinary() throws(ParquetError) -> [UInt8] {
        let n = try readVarint()
        guard n <= UInt64(end - position) else { throw fail("binary length \(n) exceeds remaining \(end - position) bytes") }
        try charge(Int(n), stride: 1)
        let out = [UInt8](UnsafeRawBufferPointer(start: base + position, count: Int(n)))
        position += Int(n)
        return out
    }

    mutating func readString() throws(ParquetError) -> String {
        String(decoding: try readBinary(), as: UTF8.self)
    }

    /// Reads a bool field value (encoded in the field header for struct fields, as a byte in lists).
    mutating func readBool() throws(ParquetError) -> Bool {
        if let b = pendingBool {
            pendingBool = nil
            return b
        }
        return try readByte() == 1
    }

    mutating func beginStruct() throws(ParquetError) {
        guard lastFieldIDs.count < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
        lastFieldIDs.append(0)
    }

    mutating func endStruct() { lastFieldIDs.removeLast() }

    /// The next field's (id, type), or `nil` at the struct's end.
    mutating func readFieldHeader() throws(ParquetError) -> (id: Int16, type: ThriftType)? {
        let header = try readByte()
        guard let type = ThriftType(rawValue: header & 0x0F) else { throw fail("unknown field type \(header & 0x0F)") }
        if type == .stop { return nil }
        let delta = Int16(header >> 4)
        let id: Int16
        if delta != 0 {
            id = lastFieldIDs[lastFieldIDs.count - 1] &+ delta
        } else {
            let raw = try readI64()
            guard let v = Int16(exactly: raw) else { throw fail("field id \(raw) out of range") }
            id = v
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
        if type == .boolTrue || type == .boolFalse { pendingBool = (type == .boolTrue) }
        return (id, type)
    }

    /// (element type, count) of a list or set.
    mutating func readListHeader() throws(ParquetError) -> (ThriftType, Int) {
        let header = try readByte()
        guard let type = ThriftType(rawValue: header & 0x0F) else { throw fail("unknown list element type") }
        var count = Int(header >> 4)
        if count == 15 {
            let n = try readVarint()
            guard n <= UInt64(end - position) else { throw fail("list of \(n) elements exceeds remaining bytes") }
            count = Int(n)
        }
        return (type, count)
    }

    /// Reads a list of elements with `element` (which consumes one element each call).
    mutating func readList<T>(_ element: (inout ThriftCompactReader) throws(ParquetError) -> T) throws(ParquetError) -> [T] {
        let (_, count) = try readListHeader()
        try charge(count, stride: MemoryLayout<T>.stride)
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try element(&self)) }
        return out
    }

    /// Skips a value of `type`, including nested structures (unknown fields of newer writers).
    mutating func skip(_ type: ThriftType, depth: Int = 0) throws(ParquetError) {
        guard depth < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
        switch type {
        case .stop: break
        case .boolTrue, .boolFalse: pendingBool = nil
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: _ = try readDouble()
        case .binary:
            let n = try readVarint()
            guard n <= UInt64(end - position) else { throw fail("binary length \(n) exceeds remaining bytes") }
            position += Int(n)
        case .list, .set:
            let (elementType, count) = try readListHeader()
            for _ in 0..<count {
                if elementType == .boolTrue || elementType == .boolFalse { _ = try readByte() } else { try skip(elementType, depth: depth + 1) }
            }
        case .map:
            let n = try readVarint()
            guard n <= UInt64(end - position) else { throw fail("map of \(n) entries exceeds remaining bytes") }
            if n == 0 { break }
            let kv = try readByte()
            guard let k = ThriftType(rawValue: kv >> 4), let v = ThriftType(rawValue: kv & 0x0F) else { throw fail("unknown map types") }
            for _ in 0..<n {
                if k == .boolTrue || k == .boolFalse { _ = try readByte() } else { try skip(k, depth: depth + 1) }
                if v == .boolTrue || v == .boolFalse { _ = try readByte() } else { try skip(v, depth: depth + 1) }
            }
        case .struct:
            try beginStruct()
            while let (_, t) = try readFieldHeader() { try skip(t, depth: depth + 1) }
            endStruct()
        }
    }
}
