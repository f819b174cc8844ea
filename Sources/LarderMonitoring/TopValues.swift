/// The most frequent strings of a stream in bounded memory: a Misra–Gries summary kept in the mergeable
/// form of Agarwal et al. ("Mergeable Summaries", 2012), reported as SpaceSaving-style upper bounds.
///
/// Each tracked value has a counter that never exceeds its true frequency; `offset` is the total amount
/// every counter has been decremented by (a "purge" subtracts the (capacity+1)-th largest counter from
/// all and drops the counters left at zero, whenever more than 2·capacity values are tracked). Each purge
/// of δ removes at least (capacity + 1)·δ from the counters' total, so `offset ≤ n / (capacity + 1)`.
///
/// **Guarantee** (n values added, merges included; tested): for every value v with true frequency f,
/// `counter ≤ f ≤ counter + offset` — a reported `count` (counter + offset) overestimates by at most
/// n/(capacity + 1) < n/capacity; and every value with f > n/(capacity + 1), in particular every value
/// with f > n/capacity, is among the reported `entries`. Merging adds the counters and the offsets and
/// purges: the guarantee holds for the combined stream.
///
/// ```swift
/// var top = TopValues(capacity: 20)
/// for city in ["Paris", "Oslo", "Paris"] { top.add(city) }
/// top.entries.first                    // (value: "Paris", count: 2, guaranteed: 2)
/// top.merge(otherTop)
/// ```
package struct TopValues: Sendable, Equatable {
    package static let defaultCapacity = 20

    /// One reported value: `count` is an upper bound of its frequency, `guaranteed` a lower bound.
    package struct Entry: Sendable, Equatable, Codable {
        package var value: String
        package var count: Int
        package var guaranteed: Int

        package init(value: String, count: Int, guaranteed: Int) {
            self.value = value
            self.count = count
            self.guaranteed = guaranteed
        }
    }

    package let capacity: Int
    /// Values added, merges included.
    package private(set) var count = 0
    /// How much any counter may have lost: the largest overestimate of a reported count.
    package private(set) var offset = 0
    /// At most 2·capacity tracked values, each with a lower bound of its frequency.
    package private(set) var counters: [String: Int] = [:]

    package init(capacity: Int = TopValues.defaultCapacity) {
        precondition(capacity > 0, "TopValues needs a positive capacity")
        self.capacity = capacity
    }

    package mutating func add(_ value: String, occurrences: Int = 1) {
        precondition(occurrences > 0, "occurrences must be positive")
        count += occurrences
        counters[value, default: 0] += occurrences
        if counters.count > 2 * capacity { purge() }
    }

    package mutating func merge(_ other: TopValues) {
        precondition(other.capacity == capacity, "merging TopValues of different capacity (\(capacity), \(other.capacity))")
        count += other.count
        offset += other.offset
        counters.merge(other.counters, uniquingKeysWith: +)
        if counters.count > capacity { purge() }
    }

    /// Subtracts the (capacity+1)-th largest counter from every counter, keeping the positive ones.
    private mutating func purge() {
        guard counters.count > capacity else { return }
        let delta = counters.values.sorted(by: >)[capacity]
        offset += delta
        counters = counters.compactMapValues { $0 > delta ? $0 - delta : nil }
    }

    /// The largest possible overestimate of a reported count (≤ n/(capacity + 1)).
    package var maximumError: Int {
        var copy = self
        copy.purge()
        return copy.offset
    }

    /// At most `capacity` values by decreasing count (ties by value), with every value of frequency
    /// above n/(capacity + 1) among them.
    package var entries: [Entry] {
        var copy = self
        copy.purge()
        return copy.counters
            .map { Entry(value: $0.key, count: $0.value + copy.offset, guaranteed: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
    }
}

extension TopValues: Codable {
    private enum CodingKeys: String, CodingKey {
        case capacity, count = "n", offset, values, counts
    }

    /// The counters sorted by value, as two parallel arrays, so the same summary is always the same text.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(capacity, forKey: .capacity)
        try c.encode(count, forKey: .count)
        try c.encode(offset, forKey: .offset)
        let sorted = counters.sorted { $0.key < $1.key }
        try c.encode(sorted.map(\.key), forKey: .values)
        try c.encode(sorted.map(\.value), forKey: .counts)
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        capacity = try c.decode(Int.self, forKey: .capacity)
        count = try c.decode(Int.self, forKey: .count)
        offset = try c.decode(Int.self, forKey: .offset)
        let values = try c.decode([String].self, forKey: .values)
        let counts = try c.decode([Int].self, forKey: .counts)
        guard capacity > 0, values.count == counts.count, values.count <= 2 * capacity, counts.allSatisfy({ $0 > 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: c, debugDescription: "inconsistent top values")
        }
        counters = Dictionary(zip(values, counts), uniquingKeysWith: +)
    }
}
