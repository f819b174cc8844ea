import Larder
import Testing
@testable import LarderOnline

@Suite("Aggregate tiles' bytes in Redis")
struct AggregateTileCodecTests {
    static let operations: [Aggregation.Operation] = [.count, .sum, .mean, .min, .max, .stddev, .last, .lastK(3), .lastK(100)]
    static let types: [ValueType] = [.float64, .float32, .int32, .int64, .string, .bytes, .bool, .timestamp]

    static func value(_ rng: inout SplitMix64, _ type: ValueType) -> Value {
        switch type {
        case .float64: .float64(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))
        case .float32: .float32(Float(rng.integer(below: 100_000)) / 7)
        case .int32: .int32(Int32(truncatingIfNeeded: rng.next()))
        case .int64: .int64(Int64(bitPattern: rng.next()))
        case .string: .string(String(repeating: ["a", "é", "z", "😀"][Int(rng.integer(below: 4))], count: Int(rng.integer(below: 12))))
        case .bytes: .bytes((0..<Int(rng.integer(below: 9))).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        case .bool: .bool(rng.integer(below: 2) == 0)
        case .timestamp: .timestamp(Timestamp(microsecondsSinceEpoch: Int64(bitPattern: rng.next())))
        }
    }

    static func state(_ rng: inout SplitMix64, _ operation: Aggregation.Operation, _ type: ValueType) -> AggregateState {
        var state = AggregateState(operation)
        for _ in 0..<Int(rng.integer(below: 150)) {
            let v = rng.integer(below: 7) == 0 ? Value.null : value(&rng, type)
            state.add(v, time: Int64(rng.integer(below: 1000)) - 500, created: rng.integer(below: 5) == 0 ? .min : Int64(rng.integer(below: 1000)))
        }
        return state
    }

    static func applies(_ operation: Aggregation.Operation, _ type: ValueType) -> Bool {
        switch operation {
        case .sum, .mean, .stddev: [.float64, .float32, .int32, .int64].contains(type)
        default: true
        }
    }

    @Test("every state decodes to itself, for every operation and value type (seeded), and its encoding is bounded")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 6)
        for operation in Self.operations {
            for type in Self.types where Self.applies(operation, type) {
                for _ in 0..<20 {
                    let state = Self.state(&rng, operation, type)
                    let bytes = AggregateTileCodec.encode(state)
                    let decoded = try #require(AggregateTileCodec.decode(bytes, operation: operation, type: type), "\(operation) \(type)")
                    #expect(decoded == state, "\(operation) over \(type)")
                    #expect(decoded.result == state.result && decoded.list == state.list)
                    // A 9-byte header, then a fixed payload, one value, or ≤ k entries of 20 bytes plus a value
                    // (values here are at most 48 bytes).
                    let valueBound = 4 + 48
                    let entriesBound: Int = 1 + state.latest.count * (16 + valueBound)
                    #expect(state.latest.count <= 100)
                    #expect(bytes.count <= 9 + max(17, valueBound, entriesBound))
                }
            }
        }
    }

    @Test("a damaged tile is refused, never misread: every truncation, an extra byte, another format, too many entries")
    func damage() throws {
        var rng = SplitMix64(seed: 7)
        for operation in Self.operations {
            let state = Self.state(&rng, operation, .string)
            guard Self.applies(operation, .string) else { continue }
            let bytes = AggregateTileCodec.encode(state)
            for cut in 0..<bytes.count {
                #expect(AggregateTileCodec.decode(Array(bytes[..<cut]), operation: operation, type: .string) == nil, "\(operation) cut at \(cut)")
            }
            #expect(AggregateTileCodec.decode(bytes + [0], operation: operation, type: .string) == nil)
            #expect(AggregateTileCodec.decode([2] + bytes.dropFirst(), operation: operation, type: .string) == nil)
        }
        // A last(3) tile read as last (k = 1) holds too many entries.
        var three = AggregateState(.lastK(3))
        for t in 0..<3 { three.add(.int64(Int64(t)), time: Int64(t), created: 0) }
        #expect(AggregateTileCodec.decode(AggregateTileCodec.encode(three), operation: .last, type: .int64) == nil)
    }

    @Test("random bytes decode to nothing, or to a state whose encoding is exactly those bytes (the encoding is canonical)")
    func randomBytes() {
        var rng = SplitMix64(seed: 8)
        var decodedAny = 0
        for index in 0..<20_000 {
            let operation = Self.operations[index % Self.operations.count]
            var bytes = (0..<Int(rng.integer(below: 40))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if !bytes.isEmpty && rng.integer(below: 2) == 0 { bytes[0] = AggregateTileCodec.format }
            if bytes.count > 9 && rng.integer(below: 2) == 0 { for k in 1...8 { bytes[k] = k == 1 ? UInt8(rng.integer(below: 4)) : 0 } }
            guard let state = AggregateTileCodec.decode(bytes, operation: operation, type: .int64) else { continue }
            decodedAny += 1
            #expect(AggregateTileCodec.encode(state) == bytes, "\(operation) \(bytes)")
        }
        #expect(decodedAny > 0)
    }
}
