/// A uniform random sample of a stream, of at most `capacity` values (Vitter's Algorithm R, seeded):
/// after n values it holds a uniformly random subset of min(n, capacity) of them — all of them, in
/// order, while n ≤ capacity, so statistics on it are exact for small streams. The drift tests run on
/// these samples.
///
/// Merging two reservoirs draws how many values come from each side from the hypergeometric
/// distribution of a uniform sample of the combined stream (n₁ and n₂ weigh the sides), then a uniform
/// subset of that size from each: the result is again a uniform sample of the union, and adding more
/// values afterwards stays uniform (Algorithm R only needs n).
///
/// ```swift
/// var sample = Reservoir<Double>(capacity: 10_000, seed: 42)
/// for x in stream { sample.add(x) }
/// sample.values            // ≤ 10,000 values; exactly the stream when it was no longer
/// sample.merge(otherSample)
/// ```
package struct Reservoir<Value: SampleValue>: Sendable, Equatable {
    package static var defaultCapacity: Int { 10_000 }

    package let capacity: Int
    /// Values offered, merges included.
    package private(set) var count = 0
    package private(set) var values: [Value] = []
    private var random: SeededRandom

    package init(capacity: Int = Reservoir.defaultCapacity, seed: UInt64 = 0) {
        precondition(capacity > 0, "a reservoir needs a positive capacity")
        self.capacity = capacity
        random = SeededRandom(seed: seed)
    }

    /// True while `values` is the whole stream.
    package var isExact: Bool { count <= capacity }

    package mutating func add(_ value: Value) {
        count += 1
        if values.count < capacity {
            values.append(value)
        } else {
            let slot = random.integer(below: UInt64(count))
            if slot < UInt64(capacity) { values[Int(slot)] = value }
        }
    }

    /// Folds `other` in: a uniform sample of both streams. Both must have the same capacity; the draws
    /// come from this reservoir's generator.
    package mutating func merge(_ other: Reservoir) {
        precondition(other.capacity == capacity, "merging reservoirs of different capacity (\(capacity), \(other.capacity))")
        let total = count + other.count
        guard total > capacity else {
            values += other.values
            count = total
            return
        }
        var left = count
        var right = other.count
        var fromLeft = 0
        for _ in 0..<capacity {
            if random.index(below: left + right) < left {
                fromLeft += 1
                left -= 1
            } else {
                right -= 1
            }
        }
        var merged = Self.subset(values, size: fromLeft, random: &random)
        merged += Self.subset(other.values, size: capacity - fromLeft, random: &random)
        values = merged
        count = total
    }

    /// A uniform `size`-subset of `items`, by a partial Fisher–Yates shuffle.
    private static func subset(_ items: [Value], size: Int, random: inout SeededRandom) -> [Value] {
        var pool = items
        for i in 0..<size {
            pool.swapAt(i, i + random.index(below: pool.count - i))
        }
        return Array(pool.prefix(size))
    }
}

extension Reservoir: Codable {
    private enum CodingKeys: String, CodingKey {
        case capacity, count = "n", values, random = "rng"
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(capacity, forKey: .capacity)
        try c.encode(count, forKey: .count)
        try c.encode(random, forKey: .random)
        try c.encode(Value.pack(values), forKey: .values)
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        capacity = try c.decode(Int.self, forKey: .capacity)
        count = try c.decode(Int.self, forKey: .count)
        random = try c.decode(SeededRandom.self, forKey: .random)
        guard let values = Value.unpack(try c.decode(Value.Packed.self, forKey: .values)), capacity > 0,
            values.count == Swift.min(count, capacity)
        else { throw DecodingError.dataCorruptedError(forKey: .values, in: c, debugDescription: "inconsistent reservoir") }
        self.values = values
    }
}

/// A value a `Reservoir` can hold, with the compact form its samples are stored in.
package protocol SampleValue: Sendable, Equatable {
    associatedtype Packed: Codable
    static func pack(_ values: [Self]) -> Packed
    /// nil when `packed` is malformed.
    static func unpack(_ packed: Packed) -> [Self]?
}

extension Double: SampleValue {
    /// Base64 of the little-endian bit patterns (`PackedValues`).
    package static func pack(_ values: [Double]) -> String { PackedValues.encode(doubles: values) }
    package static func unpack(_ packed: String) -> [Double]? { PackedValues.decodeDoubles(packed) }
}

extension String: SampleValue {
    /// A plain JSON array of strings.
    package static func pack(_ values: [String]) -> [String] { values }
    package static func unpack(_ packed: [String]) -> [String]? { packed }
}
