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
        var reader = Reader(bytes: bytes)
        guard reader.byte() == format, let rawCount = reader.uint64() else { return nil }
        let count = Int64(bitPattern: rawCount)
        guard count >= 0 else { return nil }
        var sum = 0.0, integerSum: Int64 = 0, integral = false, mean = 0.0, m2 = 0.0
        var extreme = Value.null
        var latest: [AggregateState.Stamped] = []
        switch operation {
        case .count: break
        case .sum, .mean:
            guard let flag = reader.byte(), flag <= 1, let s = reader.uint64(), let i = reader.uint64() else { return nil }
            integral = flag == 1
            sum = Double(bitPattern: s)
            integerSum = Int64(bitPattern: i)
        case .stddev:
            guard let m = reader.uint64(), let q = reader.uint64() else { return nil }
            mean = Double(bitPattern: m)
            m2 = Double(bitPattern: q)
        case .min, .max:
            if count > 0 {
                guard let value = reader.value(type) else { return nil }
                extreme = value
            }
        case .last, .lastK:
            let limit: Int = if case .lastK(let k) = operation { k } else { 1 }
            guard let n = reader.byte(), Int(n) <= limit else { return nil }
            for _ in 0..<n {
                guard let time = reader.uint64(), let created = reader.uint64(), let value = reader.value(type) else { return nil }
                latest.append(AggregateState.Stamped(time: Int64(bitPattern: time), created: Int64(bitPattern: created), value: value))
            }
        }
        guard reader.isAtEnd else { return nil }
        return AggregateState(operation: operation, count: count, sum: sum, integerSum: integerSum, integral: integral, mean: mean,
                              m2: m2, extreme: extreme, latest: latest)
    }

    private static func append(_ word: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: word.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendValue(_ value: Value, to out: inout [UInt8]) {
        let bytes: [UInt8] = switch value {
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
