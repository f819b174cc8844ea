import LarderMonitoring
import Testing

@Suite struct TopValuesTests {
    /// A seeded stream: a few heavy values (Zipf-like weights) over a long tail of values seen once.
    static func stream(_ n: Int, seed: UInt64) -> [String] {
        var random = SeededRandom(seed: seed)
        return (0..<n).map { i in
            let u = random.uniform()
            if u < 0.5 { return "heavy-\(Int(1 / (u + 0.05)) % 12)" }  // 12 values sharing half the stream unevenly
            if u < 0.6 { return "medium-\(random.index(below: 40))" }
            return "tail-\(seed)-\(i)"
        }
    }

    static func frequencies(_ values: [String]) -> [String: Int] {
        values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// The documented guarantee, checked against the exact frequencies.
    static func checkGuarantee(_ top: TopValues, exact: [String: Int], n: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let entries = top.entries
        let slack = n / (top.capacity + 1)
        #expect(top.count == n, sourceLocation: sourceLocation)
        #expect(entries.count <= top.capacity, sourceLocation: sourceLocation)
        #expect(top.maximumError <= slack, sourceLocation: sourceLocation)
        for e in entries {
            let f = exact[e.value] ?? 0
            #expect(e.guaranteed <= f && f <= e.count, "\(e.value): \(e.guaranteed) ≤ \(f) ≤ \(e.count)", sourceLocation: sourceLocation)
            #expect(e.count - f <= slack, sourceLocation: sourceLocation)
            #expect(e.count - e.guaranteed == top.maximumError, sourceLocation: sourceLocation)
        }
        let reported = Set(entries.map(\.value))
        for (value, f) in exact where f * top.capacity > n {
            #expect(reported.contains(value), "\(value) (\(f) of \(n)) is missing", sourceLocation: sourceLocation)
        }
        #expect(entries == entries.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }, sourceLocation: sourceLocation)
    }

    @Test func heavyHittersAreReportedWithBoundedOverestimates() {
        for seed: UInt64 in 1...3 {
            let values = Self.stream(40_000, seed: seed)
            var top = TopValues(capacity: 20)
            for v in values { top.add(v) }
            let exact = Self.frequencies(values)
            Self.checkGuarantee(top, exact: exact, n: values.count)
            #expect(top.counters.count <= 40)
            // The heavy values over n/20 are there, and the heaviest is first.
            let heaviest = exact.max { $0.value < $1.value }!.key
            #expect(top.entries.first?.value == heaviest)
        }
    }

    @Test func exactWhileFewValues() {
        var top = TopValues(capacity: 3)
        for v in ["b", "a", "b", "c", "b", "a"] { top.add(v) }
        #expect(top.entries.map(\.value) == ["b", "a", "c"])
        #expect(top.entries.map(\.count) == [3, 2, 1])
        #expect(top.maximumError == 0)
    }

    @Test func adversarialAllDistinctThenOneHeavy() {
        // 30,000 distinct values first, then one value 1,500 times (> n/20 of 31,500).
        var values = (0..<30_000).map { "once-\($0)" }
        values += [String](repeating: "late", count: 1_500)
        var top = TopValues(capacity: 20)
        for v in values { top.add(v) }
        Self.checkGuarantee(top, exact: Self.frequencies(values), n: values.count)
        #expect(top.entries.first?.value == "late")
    }

    @Test func mergesKeepTheGuaranteeForTheWholeStream() {
        let values = Self.stream(30_000, seed: 9) + Self.stream(20_000, seed: 10)
        let exact = Self.frequencies(values)
        let cuts = [0, 5, 12_000, 31_000, 50_000]
        let parts: [TopValues] = (0..<(cuts.count - 1)).map { i in
            var t = TopValues(capacity: 20)
            for v in values[cuts[i]..<cuts[i + 1]] { t.add(v) }
            return t
        }
        for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]] {
            var merged = parts[order[0]]
            for i in order.dropFirst() { merged.merge(parts[i]) }
            Self.checkGuarantee(merged, exact: exact, n: values.count)
        }
    }

    @Test func weightedAddsAndCodableRoundTrip() throws {
        var top = TopValues(capacity: 2)
        top.add("x", occurrences: 5)
        top.add("y", occurrences: 2)
        top.add("z")
        top.add("w")
        // Four values in two counters: the purge takes the third largest (1) off every counter.
        #expect(top.entries == [TopValues.Entry(value: "x", count: 5, guaranteed: 4), TopValues.Entry(value: "y", count: 2, guaranteed: 1)])
        #expect(top.maximumError == 1 && top.count == 9)
        var big = TopValues()
        for v in Self.stream(5_000, seed: 4) { big.add(v) }
        #expect(try roundTrip(big) == big)
    }
}
