import Testing
@testable import Larder

@Suite("Mergeable aggregate states (tiles)")
struct AggregateStateTests {
    static let operations: [Aggregation.Operation] = [.count, .sum, .mean, .min, .max, .stddev, .last, .lastK(3), .lastK(100)]

    struct Event {
        let value: Value
        let time: Int64
        let created: Int64
    }

    /// Seeded events of one column type, with nulls, ties on time and on (time, created).
    static func events(_ rng: inout SplitMix64, count: Int, type: ValueType) -> [Event] {
        (0..<count).map { _ in
            let time = Int64(rng.integer(below: 40)), created = time + Int64(rng.integer(below: 2))
            guard rng.integer(below: 6) != 0 else { return Event(value: .null, time: time, created: created) }
            let value: Value = switch type {
            case .int32: .int32(Int32(rng.integer(below: 50)) - 25)
            case .int64: .int64(Int64(rng.integer(below: 1 << 40)) - (1 << 39))
            case .float32: .float32(Float(rng.integer(below: 1000)) / 8)
            case .string: .string(["card", "cash", "wallet", "Card", "é"][Int(rng.integer(below: 5))])
            default: .float64(Double(rng.integer(below: 100_000)) / 100 - 300)
            }
            return Event(value: value, time: time, created: created)
        }
    }

    static func state(_ operation: Aggregation.Operation, _ events: some Sequence<Event>) -> AggregateState {
        var state = AggregateState(operation)
        for e in events { state.add(e.value, time: e.time, created: e.created) }
        return state
    }

    /// The aggregate computed directly from the events, by the rule, with formulas other than the state's.
    static func direct(_ operation: Aggregation.Operation, _ events: [Event]) -> (Value, [Value]) {
        let present = events.filter { !$0.value.isNull }
        let numbers = present.compactMap { $0.value.doubleValue }
        let integral = present.contains { if case .int32 = $0.value { true } else if case .int64 = $0.value { true } else { false } }
        let latestFirst = present.sorted { a, b in
            a.time != b.time ? a.time > b.time : a.created != b.created ? a.created > b.created : b.value.precedesForAggregation(a.value)
        }
        switch operation {
        case .count: return (.int64(Int64(events.count)), [])
        case _ where present.isEmpty: return (.null, [])
        case .sum: return (integral ? .int64(present.reduce(0) { $0 &+ ($1.value.int64Value ?? 0) }) : .float64(numbers.reduce(0, +)), [])
        case .mean:
            return (.float64(integral ? Double(present.reduce(0) { $0 &+ ($1.value.int64Value ?? 0) }) / Double(numbers.count)
                                      : numbers.reduce(0, +) / Double(numbers.count)), [])
        case .stddev:
            guard numbers.count >= 2 else { return (.null, []) }
            let mean = numbers.reduce(0, +) / Double(numbers.count)
            return (.float64((numbers.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(numbers.count - 1)).squareRoot()), [])
        case .min: return (present.map(\.value).min { $0.precedesForAggregation($1) }!, [])
        case .max: return (present.map(\.value).max { $0.precedesForAggregation($1) }!, [])
        case .last: return (latestFirst[0].value, [])
        case .lastK(let k): return (.null, latestFirst.prefix(k).map(\.value))
        }
    }

    static func close(_ a: Value, _ b: Value) -> Bool {
        guard case .float64(let x) = a, case .float64(let y) = b else { return a == b }
        return x == y || abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1)
    }

    @Test("merging tiles of any split, in any order, gives the direct aggregate, for every operation and type (500 seeded cases)")
    func mergeEqualsDirect() {
        var rng = SplitMix64(seed: 15)
        for index in 0..<500 {
            let type: ValueType = [.float64, .int32, .int64, .float32, .string][Int(rng.integer(below: 5))]
            let events = Self.events(&rng, count: Int(rng.integer(below: 60)), type: type)
            // An arbitrary partition (not contiguous), merged in a shuffled order, some tiles empty.
            let tileCount = 1 + Int(rng.integer(below: 8))
            var tiles = [[Event]](repeating: [], count: tileCount)
            for e in events { tiles[Int(rng.integer(below: UInt64(tileCount)))].append(e) }
            for i in stride(from: tileCount - 1, to: 0, by: -1) { tiles.swapAt(i, Int(rng.integer(below: UInt64(i + 1)))) }
            for operation in Self.operations {
                if type == .string, [.sum, .mean, .stddev].contains(operation) { continue }
                var merged = AggregateState(operation)
                for tile in tiles { merged.merge(Self.state(operation, tile)) }
                let (value, list) = Self.direct(operation, events)
                #expect(Self.close(merged.result, value), "case \(index) \(operation) over \(type): merged \(merged.result), direct \(value)")
                #expect(merged.list == list, "case \(index) \(operation) over \(type)")
                #expect(merged.count == Self.state(operation, events).count)
            }
        }
    }

    @Test("empty: count 0, null otherwise, an empty list; stddev needs two values; merging an empty tile changes nothing")
    func empty() {
        for operation in Self.operations {
            let empty = AggregateState(operation)
            #expect(empty.result == (operation == .count ? .int64(0) : .null))
            #expect(empty.list.isEmpty)
            var one = Self.state(operation, [Event(value: .float64(4), time: 1, created: 1)])
            let before = one
            one.merge(empty)
            #expect(one == before)
        }
        #expect(Self.state(.stddev, [Event(value: .float64(4), time: 1, created: 1)]).result == .null)
    }

    @Test("stddev of large, nearly equal values keeps its precision (no sum of squares to cancel)")
    func stddevPrecision() {
        // 2^30 + (k mod 10) / 8: a sum of squares (~1e21) would lose every digit of a deviation near 0.36.
        let offsets = (0..<1000).map { Double($0 % 10) / 8 }
        var merged = AggregateState(.stddev)
        for chunk in stride(from: 0, to: offsets.count, by: 37) {
            merged.merge(Self.state(.stddev, offsets[chunk..<min(chunk + 37, offsets.count)].enumerated().map {
                Event(value: .float64(1_073_741_824 + $0.element), time: Int64($0.offset), created: 0)
            }))
        }
        // The deviation of the small offsets alone, computed exactly in their own magnitude.
        let (expected, _) = Self.direct(.stddev, offsets.map { Event(value: .float64($0), time: 0, created: 0) })
        let actual = merged.result.doubleValue ?? .nan, reference = expected.doubleValue ?? .nan
        #expect(abs(actual - reference) <= 1e-6 * reference, "\(actual) vs \(reference)")
    }
}
