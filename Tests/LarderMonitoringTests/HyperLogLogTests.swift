import LarderMonitoring
import Testing

@Suite struct HyperLogLogTests {
    /// `n` distinct seeded values (a random 64-bit draw each; collisions are 1 in 10¹³ at 1M).
    static func distinctValues(_ n: Int, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        return (0..<n).map { _ in Double(random.next() >> 11) }
    }

    @Test func relativeErrorWithinThreeStandardErrors() {
        var worst = 0.0
        for (n, seeds) in [(10, 20), (1_000, 5), (20_000, 2), (40_000, 2), (100_000, 2), (1_000_000, 1)] {
            for seed in 1...seeds {
                var hll = HyperLogLog()
                for v in Self.distinctValues(n, seed: UInt64(seed * 1_000 + n)) { hll.add(v) }
                let relative = abs(hll.estimate - Double(n)) / Double(n)
                worst = max(worst, relative / hll.standardError)
                #expect(relative <= 3 * hll.standardError, "n = \(n), seed \(seed): relative error \(relative)")
            }
        }
        #expect(worst > 0)  // an estimator that returned the exact count would be suspicious
    }

    @Test func smallSetsAreCountedAlmostExactly() {
        // Linear counting: 10 values in 16,384 registers collide with probability ~0.3 %.
        var hll = HyperLogLog()
        for s in (0..<10).map({ "user-\($0)" }) { hll.add(s) }
        #expect(hll.estimate.rounded() == 10)
        #expect(HyperLogLog().estimate == 0)
    }

    @Test func duplicatesDoNotChangeTheEstimate() {
        let values = Self.distinctValues(30_000, seed: 7)
        var once = HyperLogLog()
        for v in values { once.add(v) }
        var thrice = HyperLogLog()
        for _ in 0..<3 { for v in values.reversed() { thrice.add(v) } }
        #expect(once == thrice)
        #expect(once.estimate == thrice.estimate)
        var strings = HyperLogLog()
        for i in 0..<5_000 { strings.add("v\(i % 500)") }
        #expect(abs(strings.estimate - 500) <= 3 * strings.standardError * 500)
        // −0.0 == 0.0, so one value.
        var zeros = HyperLogLog()
        zeros.add(0.0)
        zeros.add(-0.0)
        #expect(zeros.estimate.rounded() == 1)
    }

    @Test func mergeEqualsTheUnionExactly() {
        let a = Self.distinctValues(50_000, seed: 1)
        let b = Self.distinctValues(30_000, seed: 2) + Array(a.prefix(10_000))  // overlapping
        var left = HyperLogLog()
        for v in a { left.add(v) }
        var right = HyperLogLog()
        for v in b { right.add(v) }
        var union = HyperLogLog()
        for v in b + a { union.add(v) }
        var merged = left
        merged.merge(right)
        #expect(merged == union)
        #expect(merged.estimate == union.estimate)
        var otherOrder = right
        otherOrder.merge(left)
        #expect(otherOrder == merged)
        #expect(abs(merged.estimate - 80_000) / 80_000 <= 3 * merged.standardError)
    }

    @Test func hashSpreadsSimilarValues() {
        // Consecutive integers and short strings must land on many registers (top bits) evenly.
        var buckets = [Int](repeating: 0, count: 16)
        for i in 0..<16_000 { buckets[Int(ValueHash.hash(Double(i)) >> 60)] += 1 }
        #expect(buckets.allSatisfy { abs($0 - 1_000) < 150 })
        var stringBuckets = [Int](repeating: 0, count: 16)
        for i in 0..<16_000 { stringBuckets[Int(ValueHash.hash("k\(i)") >> 60)] += 1 }
        #expect(stringBuckets.allSatisfy { abs($0 - 1_000) < 150 })
        #expect(ValueHash.hash("a") != ValueHash.hash("b"))
        #expect(ValueHash.hash(0.0) == ValueHash.hash(-0.0))
    }
}
