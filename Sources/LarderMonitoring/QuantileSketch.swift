#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A KLL quantile sketch (Karnin, Lang & Liberty, "Optimal Quantile Approximation in Streams", 2016):
/// approximate quantiles and ranks of a stream of doubles in bounded memory, mergeable, and
/// deterministic for a given seed and input order.
///
/// Items sit in levels of compactors; an item at level h stands for 2^h stream items. Level h holds up
/// to max(8, ⌈k·(2/3)^(H−1−h)⌉) items (H levels), so the top level holds about k and the lower ones shrink
/// geometrically: about 3k + 8·log₂(n/k) items are retained whatever n is. When the sketch is full, the
/// lowest level over its capacity is sorted and every other item — the odd or the even ones, by a
/// seeded coin — moves up one level with double weight (lazy compaction, as in Apache DataSketches).
///
/// **Error bound.** The paper proves that k = O((1/ε)·√log(1/δ)) gives rank error ε with probability
/// 1 − δ, without a usable constant. The constants here are Apache DataSketches' empirical fit for the
/// same scheme, at 99 % confidence: a single quantile or rank is off by at most
/// `2.296 / k^0.9723` in normalized rank (1.33 % for k = 200), and all quantiles of one sketch at once by
/// at most `2.446 / k^0.9433` (1.65 % for k = 200) — `rankErrorBound(k:allQuantiles:)`. "Rank error" of a
/// returned quantile x for q: how far q lies outside [#(< x)/n, #(≤ x)/n]. Merged sketches keep the
/// bound of their k. The tests check the all-quantiles bound over sorted, reversed, shuffled and
/// duplicate-heavy streams of up to 1 M values, and over merges of split streams in any order.
///
/// NaN is not an orderable value: `add` ignores it (the profile counts NaNs apart).
///
/// ```swift
/// var sketch = QuantileSketch(k: 200, seed: 1)
/// for x in 0..<100_000 { sketch.add(Double(x)) }
/// sketch.quantile(0.5)                  // ≈ 50,000, within 1.65 % of n in rank
/// sketch.rank(25_000)                   // ≈ 0.25
/// sketch.merge(otherSketchOfTheSameK)
/// ```
package struct QuantileSketch: Sendable, Equatable {
    package static let defaultK = 200
    /// The smallest capacity of a level (DataSketches' m).
    static let minimumWidth = 8

    package let k: Int
    /// Stream items added (NaN excluded), merges included.
    package private(set) var count: Int = 0
    package private(set) var min: Double?
    package private(set) var max: Double?
    /// `levels[h]`: items of weight 2^h. Only level 0 is appended to item by item.
    package private(set) var levels: [[Double]] = [[]]
    /// Items held: the sketch's memory, O(k + log n).
    package private(set) var retainedCount = 0
    /// The sum of the levels' capacities, kept for the height the sketch has.
    private var totalCapacity: Int
    private var random: SeededRandom

    package init(k: Int = QuantileSketch.defaultK, seed: UInt64 = 0) {
        precondition(k >= QuantileSketch.minimumWidth, "k must be at least \(QuantileSketch.minimumWidth)")
        self.k = k
        random = SeededRandom(seed: seed)
        totalCapacity = Self.totalCapacity(k: k, height: 1)
    }

    /// The normalized rank error the sketch stays within with 99 % confidence: for one quantile, or
    /// for all quantiles of the sketch at once (Apache DataSketches' fit).
    package static func rankErrorBound(k: Int, allQuantiles: Bool = true) -> Double {
        allQuantiles ? 2.446 / pow(Double(k), 0.9433) : 2.296 / pow(Double(k), 0.9723)
    }

    /// `rankErrorBound(k:allQuantiles:)` for this sketch's k.
    package var rankErrorBound: Double { Self.rankErrorBound(k: k) }

    package var isEmpty: Bool { count == 0 }

    /// The capacity of level `h` among `height` levels.
    static func capacity(k: Int, level h: Int, height: Int) -> Int {
        let depth = height - 1 - h
        return Swift.max(minimumWidth, Int((Double(k) * pow(2.0 / 3.0, Double(depth))).rounded(.up)))
    }

    static func totalCapacity(k: Int, height: Int) -> Int {
        (0..<height).reduce(0) { $0 + capacity(k: k, level: $1, height: height) }
    }

    private mutating func addLevel() {
        levels.append([])
        totalCapacity = Self.totalCapacity(k: k, height: levels.count)
    }

    package mutating func add(_ value: Double) {
        guard !value.isNaN else { return }
        count += 1
        min = Swift.min(min ?? value, value)
        max = Swift.max(max ?? value, value)
        levels[0].append(value)
        retainedCount += 1
        if retainedCount >= totalCapacity { compress() }
    }

    /// Folds `other` in: the result summarises both streams with the same error bound. Both sketches
    /// must have the same k. The coin flips come from this sketch's generator.
    package mutating func merge(_ other: QuantileSketch) {
        precondition(other.k == k, "merging KLL sketches of different k (\(k), \(other.k))")
        guard !other.isEmpty else { return }
        count += other.count
        min = Swift.min(min ?? other.min!, other.min!)
        max = Swift.max(max ?? other.max!, other.max!)
        while levels.count < other.levels.count { addLevel() }
        for (h, items) in other.levels.enumerated() { levels[h].append(contentsOf: items) }
        retainedCount += other.retainedCount
        compress()
    }

    /// Compacts the lowest over-full level until the sketch is within its capacity.
    private mutating func compress() {
        while retainedCount >= totalCapacity {
            let height = levels.count
            guard let h = (0..<height).first(where: { levels[$0].count >= Self.capacity(k: k, level: $0, height: height) }) else { return }
            if h == height - 1 { addLevel() }
            compact(level: h)
        }
    }

    /// Sorts level `h` and promotes every other item to level h + 1; an odd item out stays.
    private mutating func compact(level h: Int) {
        var items = levels[h]
        items.sort()
        var kept: [Double] = []
        if items.count % 2 == 1 { kept.append(items.removeLast()) }
        let offset = random.bit() ? 1 : 0
        var promoted: [Double] = []
        promoted.reserveCapacity(items.count / 2)
        var i = offset
        while i < items.count {
            promoted.append(items[i])
            i += 2
        }
        retainedCount -= items.count - promoted.count
        levels[h] = kept
        levels[h + 1].append(contentsOf: promoted)
    }

    /// The retained items sorted, each with the cumulative weight up to and including it.
    package func sortedView() -> [(value: Double, cumulativeWeight: Int)] {
        var weighted: [(value: Double, weight: Int)] = []
        weighted.reserveCapacity(retainedCount)
        for (h, items) in levels.enumerated() {
            for item in items { weighted.append((item, 1 << h)) }
        }
        weighted.sort { $0.value < $1.value }
        var total = 0
        return weighted.map { entry in
            total += entry.weight
            return (entry.value, total)
        }
    }

    /// The smallest retained value whose estimated rank (the share of the stream ≤ it) reaches `q`; the
    /// exact min and max for q = 0 and 1; nil when empty.
    package func quantile(_ q: Double) -> Double? {
        quantiles([q])?.first
    }

    /// `quantile(_:)` for several fractions, sorting the sketch once.
    package func quantiles(_ fractions: [Double]) -> [Double]? {
        guard let min, let max else { return nil }
        let view = sortedView()
        return fractions.map { q in
            precondition(q >= 0 && q <= 1, "a quantile fraction must be in [0, 1]")
            if q == 0 { return min }
            if q == 1 { return max }
            let target = q * Double(count)
            var lo = 0
            var hi = view.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if Double(view[mid].cumulativeWeight) >= target { hi = mid } else { lo = mid + 1 }
            }
            return view[lo].value
        }
    }

    /// The estimated share of the stream ≤ `value` (0 when empty).
    package func rank(_ value: Double) -> Double {
        guard count > 0 else { return 0 }
        var weight = 0
        for (h, items) in levels.enumerated() {
            for item in items where item <= value { weight += 1 << h }
        }
        return Double(weight) / Double(count)
    }
}

extension QuantileSketch: Codable {
    private enum CodingKeys: String, CodingKey {
        case k, n, bounds, levels, random = "rng"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        k = try c.decode(Int.self, forKey: .k)
        count = try c.decode(Int.self, forKey: .n)
        if c.contains(.bounds) {
            let bounds = try PackedValues.decodeDoubles(c, forKey: .bounds)
            guard bounds.count == 2 else {
                throw DecodingError.dataCorruptedError(forKey: .bounds, in: c, debugDescription: "bounds are [min, max]")
            }
            min = bounds[0]
            max = bounds[1]
        }
        random = try c.decode(SeededRandom.self, forKey: .random)
        let packed = try c.decode([String].self, forKey: .levels)
        levels = try packed.map { text in
            guard let values = PackedValues.decodeDoubles(text) else {
                throw DecodingError.dataCorruptedError(forKey: .levels, in: c, debugDescription: "a level is not packed doubles")
            }
            return values
        }
        retainedCount = levels.reduce(0) { $0 + $1.count }
        totalCapacity = Self.totalCapacity(k: k, height: levels.count)
        let weight = levels.enumerated().reduce(0) { $0 + $1.element.count << $1.offset }
        guard k >= Self.minimumWidth, !levels.isEmpty, weight == count, (count == 0) == (min == nil) else {
            throw DecodingError.dataCorruptedError(forKey: .n, in: c, debugDescription: "inconsistent KLL sketch")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(k, forKey: .k)
        try c.encode(count, forKey: .n)
        if let min, let max { try c.encode(PackedValues.encode(doubles: [min, max]), forKey: .bounds) }
        try c.encode(random, forKey: .random)
        try c.encode(levels.map { PackedValues.encode(doubles: $0) }, forKey: .levels)
    }
}
