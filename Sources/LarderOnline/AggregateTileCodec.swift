import Larder

/// The bytes of an ``AggregateState`` (one tile of one aggregation) in Redis: exact, compact, and refused
/// rather than misread when damaged. Little-endian throughout; values as ``OnlineValueCodec`` stores them,
/// length-prefixed.
///
/// | part                         | bytes                                                    |
/// |------------------------------|----------------------------------------------------------|
/// | format                       | 1 (= 1)                                                  |
/// | count                        | 8                                                        |
/// | sum, mean                    | 1 (integral) + 8 (float sum) + 8 (integer sum)           |
/// | stddev                       | 8 (mean) + 8 (M2)                                        |
/// | min, max (count > 0)         | 4 (length) + the value                                   |
/// | last, last(k)                | 1 (entries, ≤ 100), then each: 8 (time) + 8 (created) + 4 (length) + the value |
///
/// The operation and the value type are not stored: the view's registered spec gives them, and a tile is only
/// read for the aggregation it was written for.
enum AggregateTileCodec {
    static let format: UInt8 = 1

    static func encode(_ state: AggregateState) -> [UInt8] {
        var out: [UInt8] = [format]
        append(UInt64(bitPattern: state.count), to: &out)
        switch state.operation {
        case .count: break
        case .sum, .mean:
            out.append(state.integral ? 1 : 0)
            append(state.sum.bitPattern, to: &out)
            append(UInt64(bitPattern: state.integerSum), to: &out)
        case .stddev:
            append(state.mean.bitPattern, to: &out)
            append(state.m2.bitPattern, to: &out)
        case .min, .max:
            if state.count > 0 { appendValue(state.extreme, to: &out) }
        case .last, .lastK:
            out.append(UInt8(state.latest.count))
            for entry in state.latest {
                append(UInt64(bitPattern: entry.time), to: &out)
                append(UInt64(bitPattern: entry.created), to: &out)
                appendValue(entry.value, to: &out)
            }
        }
        return out
    }

    /// The state stored in `bytes` for `operation` over values of `type`; nil when the bytes are not a whole,
    /// valid encoding of one.
    static func decode(_ bytes: [UInt8], operation: Aggregation.Operation, type: ValueType) -> AggregateState? {
        bytes.withUnsafeBytes { decode($0, operation: operation, type: type) }
    }

    /// The same from borrowed bytes (a Redis reply's), without copying them.
    static func decode(_ bytes: UnsafeRawBufferPointer, operation: Aggregation.Operation, type: ValueType) -> AggregateState? {
        parts(bytes, operation: operation, type: type).map {
            AggregateState(operation: operation, count: $0.count, sum: $0.sum, integerSum: $0.integerSum, integral: $0.integral,
                           mean: $0.mean, m2: $0.m2, extreme: $0.extreme, latest: $0.latest)
        }
    }

    /// Merges the state stored in `bytes` into `state` (of the same aggregation) without building it; false when the
    /// bytes are not a whole, valid encoding of one (`state` is then unchanged).
    static func merge(_ bytes: UnsafeRawBufferPointer, into state: inout AggregateState, type: ValueType) -> Bool {
        guard let p = parts(bytes, operation: state.operation, type: type) else { return false }
        state.mergeParts(count: p.count, sum: p.sum, integerSum: p.integerSum, integral: p.integral, mean: p.mean, m2: p.m2,
                         extreme: p.extreme, latest: p.latest)
        return true
    }

    private struct Parts {
        var count: Int64
        var sum = 0.0, integerSum: Int64 = 0, integral = false, mean = 0.0, m2 = 0.0
        var extreme = Value.null
        var latest: [AggregateState.Stamped] = []
    }

    private static func parts(_ bytes: UnsafeRawBufferPointer, operation: Aggregation.Operation, type: ValueType) -> Parts? {
        var reader = Reader(bytes: bytes)
        guard reader.byte() == format, let rawCount = reader.uint64() else { return nil }
        var p = Parts(count: Int64(bitPattern: rawCount))
        guard p.count >= 0 else { return nil }
        switch operation {
        case .count: break
        case .sum, .mean:
            guard let flag = reader.byte(), flag <= 1, let s = reader.uint64(), let i = reader.uint64() else { return nil }
            p.integral = flag == 1
            p.sum = Double(bitPattern: s)
            p.integerSum = Int64(bitPattern: i)
        case .stddev:
            guard let m = reader.uint64(), let q = reader.uint64() else { return nil }
            p.mean = Double(bitPattern: m)
            p.m2 = Double(bitPattern: q)
        case .min, .max:
            if p.count > 0 {
                guard let value = reader.value(type) else { return nil }
                p.extreme = value
            }
        case .last, .lastK:
            let limit: Int = if case .lastK(let k) = operation { k } else { 1 }
            guard let n = reader.byte(), Int(n) <= limit else { return nil }
            for _ in 0..<n {
                guard let time = reader.uint64(), let created = reader.uint64(), let value = reader.value(type) else { return nil }
                p.latest.append(AggregateState.Stamped(time: Int64(bitPattern: time), created: Int64(bitPattern: created), value: value))
            }
        }
        guard reader.isAtEnd else { return nil }
        return p
    }

    private static func append(_ word: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: word.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Appends a value as tiles store it: a 4-byte little-endian length, then ``OnlineValueCodec``'s bytes.
    static func appendValue(_ value: Value, to out: inout [UInt8]) {
        let bytes = OnlineValueCodec.encode(value)
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: bytes)
    }

    /// Reads the parts in order; every read returns nil past the end.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func uint64() -> UInt64? {
            guard bytes.count - offset >= 8 else { return nil }
            defer { offset += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }

        mutating func value(_ type: ValueType) -> Value? {
            guard bytes.count - offset >= 4 else { return nil }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            offset += 4
            guard bytes.count - offset >= length else { return nil }
            defer { offset += length }
            return OnlineValueCodec.decode(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), as: type)
        }
    }
}
