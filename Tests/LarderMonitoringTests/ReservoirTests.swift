import LarderMonitoring
import Testing

@Suite struct ReservoirTests {
    /// Pearson's χ² statistic of inclusion counts against a uniform expectation, and its p-value.
    static func uniformity(_ counts: [Int]) -> Double {
        let expected = Double(counts.reduce(0, +)) / Double(counts.count)
        let statistic = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        return SpecialFunctions.chiSquareSurvival(statistic, degreesOfFreedom: Double(counts.count - 1))
    }

    @Test func exactWhileTheStreamFits() {
        var r = Reservoir<Double>(capacity: 100, seed: 1)
        let values = (0..<100).map { Double($0) * 1.5 }
        for v in values { r.add(v) }
        #expect(r.values == values && r.isExact && r.count == 100)
        r.add(-1)
        #expect(!r.isExact && r.values.count == 100 && r.count == 101)
        #expect(Reservoir<Double>.defaultCapacity == 10_000)
    }

    @Test func deterministicForASeed() {
        func sample(_ seed: UInt64) -> [String] {
            var r = Reservoir<String>(capacity: 50, seed: seed)
            for i in 0..<5_000 { r.add("v\(i)") }
            return r.values
        }
        #expect(sample(3) == sample(3))
        #expect(sample(3) != sample(4))
        #expect(sample(3).count == 50 && Set(sample(3)).count == 50)
    }

    @Test func inclusionIsUniformOverSeededRuns() {
        // 3,000 runs of 60 values into 12 slots: each value is kept 600 times in expectation.
        var counts = [Int](repeating: 0, count: 60)
        for seed in 0..<3_000 {
            var r = Reservoir<Double>(capacity: 12, seed: UInt64(seed))
            for i in 0..<60 { r.add(Double(i)) }
            for v in r.values { counts[Int(v)] += 1 }
        }
        #expect(counts.reduce(0, +) == 36_000)
        #expect(Self.uniformity(counts) > 0.001)
        // The test has power: keeping the 12 first values (or a slight bias to early ones) fails it.
        let biased = counts.enumerated().map { $0.offset < 30 ? $0.element + 40 : $0.element - 40 }
        #expect(Self.uniformity(biased) < 0.001)
    }

    @Test func mergesWeighSidesByTheirCounts() {
        // Values 0..<15 on one side, 15..<55 on the other, 8 slots, then 5 more added after the merge:
        // every one of the 60 values must be kept with probability 8/60.
        var counts = [Int](repeating: 0, count: 60)
        for seed in 0..<3_000 {
            var left = Reservoir<Double>(capacity: 8, seed: UInt64(seed))
            var right = Reservoir<Double>(capacity: 8, seed: UInt64(seed) &+ 1_000_000)
            for i in 0..<15 { left.add(Double(i)) }
            for i in 15..<55 { right.add(Double(i)) }
            if seed % 2 == 0 {
                left.merge(right)
            } else {
                right.merge(left)
                left = right
            }
            for i in 55..<60 { left.add(Double(i)) }
            #expect(left.count == 60 && left.values.count == 8 && Set(left.values).count == 8)
            for v in left.values { counts[Int(v)] += 1 }
        }
        #expect(Self.uniformity(counts) > 0.001)
        // The small side is not over-represented: its 15 values hold a quarter of the slots.
        let leftShare = Double(counts[0..<15].reduce(0, +)) / Double(counts.reduce(0, +))
        #expect(abs(leftShare - 0.25) < 0.02)
    }

    @Test func mergeOfSmallReservoirsIsExact() throws {
        var a = Reservoir<String>(capacity: 10, seed: 1)
        var b = Reservoir<String>(capacity: 10, seed: 2)
        for s in ["a", "b", "c"] { a.add(s) }
        for s in ["d", "e"] { b.add(s) }
        a.merge(b)
        #expect(a.values == ["a", "b", "c", "d", "e"] && a.isExact)
        #expect(try roundTrip(a) == a)
        var numbers = Reservoir<Double>(capacity: 20, seed: 5)
        for i in 0..<1_000 { numbers.add(Double(i) / 7) }
        let decoded = try roundTrip(numbers)
        #expect(decoded == numbers)
        // The generator's state travels too: the decoded copy goes on choosing the same slots.
        var x = numbers
        var y = decoded
        for i in 0..<500 {
            x.add(Double(i))
            y.add(Double(i))
        }
        #expect(x == y)
    }
}
