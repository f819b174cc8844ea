import Foundation
import LarderMonitoring
import Testing

@Suite struct QuantileSketchTests {
    /// The fractions every test checks: 0.1 % … 99.9 %.
    static let fractions = [0.001, 0.005] + (1...99).map { Double($0) / 100 } + [0.995, 0.999]

    /// The largest normalized rank error of the sketch's quantiles, against the exact ranks of `sorted`
    /// (the whole stream, sorted): how far each fraction lies outside [#(< x)/n, #(≤ x)/n].
    static func maxRankError(_ sketch: QuantileSketch, sorted: [Double]) -> Double {
        let n = Double(sorted.count)
        let answers = sketch.quantiles(fractions)!
        var worst = 0.0
        for (q, x) in zip(fractions, answers) {
            let below = Double(lowerBound(sorted, x)) / n
            let atOrBelow = Double(upperBound(sorted, x)) / n
            worst = max(worst, q < below ? below - q : q > atOrBelow ? q - atOrBelow : 0)
        }
        return worst
    }

    static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func upperBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func sketch(_ values: [Double], k: Int = 200, seed: UInt64) -> QuantileSketch {
        var s = QuantileSketch(k: k, seed: seed)
        for v in values { s.add(v) }
        return s
    }

    /// Streams of `n` values in adversarial and random orders.
    static func streams(_ n: Int, seed: UInt64) -> [(name: String, values: [Double])] {
        var random = SeededRandom(seed: seed)
        let ascending = (0..<n).map(Double.init)
        var shuffled = ascending
        shuffled.shuffle(using: &random)
        let duplicates = (0..<n).map { _ in Double(random.index(below: 7)) }  // 7 values, many repeats
        let skewed = (0..<n).map { _ in -log(1 - random.uniform()) * 1000 }  // exponential, long right tail
        let sawtooth = (0..<n).map { Double(($0 * 7919) % 1013) }  // sorted runs, repeating
        return [
            ("ascending", ascending), ("descending", ascending.reversed()), ("shuffled", shuffled), ("duplicates", duplicates),
            ("exponential", skewed), ("sawtooth", sawtooth),
        ]
    }

    @Test func documentedBoundConstants() {
        #expect(abs(QuantileSketch.rankErrorBound(k: 200) - 0.01651) < 1e-4)
        #expect(abs(QuantileSketch.rankErrorBound(k: 200, allQuantiles: false) - 0.01329) < 1e-4)
        #expect(QuantileSketch.rankErrorBound(k: 400) < QuantileSketch.rankErrorBound(k: 200))
    }

    @Test func rankErrorWithinTheBoundOverAdversarialStreams() {
        let bound = QuantileSketch.rankErrorBound(k: 200)
        for seed: UInt64 in 1...3 {
            for (name, values) in Self.streams(30_000, seed: seed) {
                let s = Self.sketch(values, seed: seed)
                let error = Self.maxRankError(s, sorted: values.sorted())
                #expect(error <= bound, "\(name), seed \(seed): rank error \(error) > \(bound)")
                #expect(s.count == values.count)
                #expect(s.min == values.min() && s.max == values.max())
            }
        }
    }

    @Test func oneMillionValuesStayWithinTheBoundInBoundedMemory() {
        // A seeded permutation of 0..<1M: the exact rank of x is x itself.
        let n = 1_000_000
        var random = SeededRandom(seed: 99)
        var values = (0..<n).map(Double.init)
        values.shuffle(using: &random)
        var s = QuantileSketch(k: 200, seed: 5)
        var peak = 0
        for (i, v) in values.enumerated() {
            s.add(v)
            if i % 1000 == 0 { peak = max(peak, s.retainedCount) }
        }
        let answers = s.quantiles(Self.fractions)!
        let worst = zip(Self.fractions, answers).map { abs($1 / Double(n) - $0) }.max()!
        #expect(worst <= s.rankErrorBound)
        // O(k + log n): three k for the geometric levels plus the 8-item floor of the small ones.
        let levels = s.levels.count
        #expect(levels <= 20)
        #expect(peak <= 3 * 200 + 8 * levels)
        #expect(s.retainedCount <= 3 * 200 + 8 * levels)
        #expect(s.quantile(0) == 0 && s.quantile(1) == Double(n - 1))
        #expect(abs(s.rank(250_000) - 0.25) <= s.rankErrorBound)
    }

    @Test func smallStreamsAreExact() {
        let values = [5.0, 1, 4, 2, 3]
        let s = Self.sketch(values, seed: 1)
        #expect(s.retainedCount == 5)
        #expect(s.quantiles([0, 0.2, 0.21, 0.5, 0.8, 1]) == [1, 1, 2, 3, 4, 5])
        #expect(s.rank(3) == 0.6)
        #expect(QuantileSketch().quantile(0.5) == nil)
        var withNaN = s
        withNaN.add(.nan)
        #expect(withNaN == s)
    }

    @Test func mergesOfASplitStreamInAnyOrderStayWithinTheBound() {
        let bound = QuantileSketch.rankErrorBound(k: 200)
        for seed: UInt64 in 1...2 {
            for (name, values) in Self.streams(40_000, seed: seed + 10) {
                let sorted = values.sorted()
                // Uneven parts, including an empty one and a tiny one.
                let cuts = [0, 0, 17, 6_000, 20_000, 20_001, 40_000]
                let parts = (0..<(cuts.count - 1)).map { Self.sketch(Array(values[cuts[$0]..<cuts[$0 + 1]]), seed: seed &+ UInt64($0)) }
                var random = SeededRandom(seed: seed)
                for _ in 0..<3 {
                    var order = Array(parts.indices)
                    order.shuffle(using: &random)
                    var merged = parts[order[0]]
                    for i in order.dropFirst() { merged.merge(parts[i]) }
                    #expect(merged.count == values.count)
                    let error = Self.maxRankError(merged, sorted: sorted)
                    #expect(error <= bound, "\(name), order \(order): rank error \(error) > \(bound)")
                    #expect(merged.retainedCount <= 3 * 200 + 8 * merged.levels.count)
                }
                // A tree of merges: (0+1+2) + (3+4+5).
                var left = parts[0]
                left.merge(parts[1])
                left.merge(parts[2])
                var right = parts[3]
                right.merge(parts[4])
                right.merge(parts[5])
                right.merge(left)
                #expect(Self.maxRankError(right, sorted: sorted) <= bound, "\(name): tree merge")
            }
        }
    }

    @Test func deterministicForASeed() {
        let values = Self.streams(20_000, seed: 3)[2].values
        #expect(Self.sketch(values, seed: 8) == Self.sketch(values, seed: 8))
        #expect(Self.sketch(values, seed: 8).levels != Self.sketch(values, seed: 9).levels)
    }
}
