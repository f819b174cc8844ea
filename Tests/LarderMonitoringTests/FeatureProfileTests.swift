import Foundation
import LarderMonitoring
import Testing

@Suite struct FeatureProfileTests {
    @Test func numericCountsAndMoments() throws {
        var p = FeatureProfile(kind: .numeric)
        for v: Double? in [2, 4, 4, nil, 4, 5, .nan, 5, 7, .infinity, 9, -.infinity, nil] { p.add(v) }
        #expect(p.count == 13 && p.nullCount == 2 && p.nanCount == 1 && p.infinityCount == 2 && p.valueCount == 8)
        let s = p.summary
        #expect(s.min == 2 && s.max == 9 && s.mean == 5)
        #expect(abs(s.standardDeviation! - (32.0 / 7).squareRoot()) < 1e-12)
        #expect(p.moments.populationStandardDeviation == 2)
        #expect(s.p50 == 4 && s.p01 == 2 && s.p99 == 9 && s.p75 == 5)
        #expect(s.distinct == 5 && s.topValues == nil && s.quantileRankError! < 0.017)
        #expect(p.numericSample!.values == [2, 4, 4, 4, 5, 5, 7, 9])
    }

    @Test func stringProfile() throws {
        var p = FeatureProfile(kind: .string)
        for v: String? in ["NY", "SF", nil, "NY", "LA", "NY", nil] { p.add(v) }
        let s = p.summary
        #expect(s.count == 7 && s.nullCount == 2 && s.distinct == 3)
        #expect(s.topValues?.first == TopValues.Entry(value: "NY", count: 3, guaranteed: 3))
        #expect(s.min == nil && s.mean == nil && s.p50 == nil && s.standardDeviation == nil)
        #expect(p.stringSample!.values == ["NY", "SF", "NY", "LA", "NY"])
    }

    @Test func mergeMatchesOneProfileOfEverything() {
        var random = SeededRandom(seed: 11)
        let values: [Double?] = (0..<30_000).map { i in i % 97 == 0 ? nil : random.uniform() * 100 - 20 }
        var whole = FeatureProfile(kind: .numeric)
        for v in values { whole.add(v) }
        var first = FeatureProfile(kind: .numeric, configuration: .init(seed: 1))
        var second = FeatureProfile(kind: .numeric, configuration: .init(seed: 2))
        for v in values[..<12_345] { first.add(v) }
        for v in values[12_345...] { second.add(v) }
        first.merge(second)
        let (a, b) = (first.summary, whole.summary)
        #expect(a.count == b.count && a.nullCount == b.nullCount && a.min == b.min && a.max == b.max)
        #expect(abs(a.mean! - b.mean!) < 1e-9 && abs(a.standardDeviation! - b.standardDeviation!) < 1e-9)
        #expect(a.distinct == b.distinct)  // HyperLogLog merge is exact
        // Quantiles of uniform(−20, 80): both within the rank bound of the truth.
        let bound = QuantileSketch.rankErrorBound(k: 200) * 100 + 0.5
        for (q, x) in zip(FeatureProfileSummary.fractions, [a.p01, a.p05, a.p25, a.p50, a.p75, a.p95, a.p99]) {
            #expect(abs(x! - (q * 100 - 20)) < bound)
        }
        #expect(first.numericSample!.values.count == 10_000 && first.numericSample!.count == values.count - 310)
    }

    @Test func boundedMemoryWhateverTheRowCount() {
        var numbers = FeatureProfile(kind: .numeric)
        var random = SeededRandom(seed: 3)
        var peak = 0
        for i in 0..<2_000_000 {
            numbers.add(random.uniform() * 1e6)
            if i % 100_000 == 0 { peak = max(peak, numbers.retainedElementCount) }
        }
        // 10,000 samples + 16,384 registers + about 3k + 8·log n sketch items.
        let bound = 10_000 + 16_384 + 3 * 200 + 8 * 24
        #expect(numbers.retainedElementCount <= bound && peak <= bound)
        #expect(numbers.count == 2_000_000)
        var strings = FeatureProfile(kind: .string)
        for i in 0..<200_000 { strings.add("id-\(i)") }
        #expect(strings.retainedElementCount <= 10_000 + 16_384 + 2 * 20)
    }

    @Test func codableRoundTripIsExactAndStable() throws {
        var numbers = FeatureProfile(kind: .numeric, configuration: .init(sampleCapacity: 500, seed: 4))
        var random = SeededRandom(seed: 4)
        for i in 0..<20_000 { numbers.add(i % 50 == 0 ? nil : i % 333 == 0 ? .nan : random.uniform() - 0.5) }
        let decoded = try roundTrip(numbers)
        #expect(decoded == numbers)
        #expect(decoded.summary == numbers.summary)
        var strings = FeatureProfile(kind: .string)
        for i in 0..<3_000 { strings.add(i % 10 == 0 ? nil : "café \(i % 37) ✓") }
        #expect(try roundTrip(strings) == strings)
        #expect(try roundTrip(FeatureProfile(kind: .numeric)) == FeatureProfile(kind: .numeric))
        // Compact: the 500-value sample, sketch and sparse-or-dense registers stay small as text.
        let text = try JSONEncoder().encode(numbers)
        #expect(text.count < 40_000)
        // A tampered count is rejected, not silently accepted.
        let json = String(decoding: text, as: UTF8.self).replacingOccurrences(of: "\"count\":20000", with: "\"count\":20001")
        #expect(json != String(decoding: text, as: UTF8.self))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FeatureProfile.self, from: Data(json.utf8)) }
    }

    @Test func packedValuesRoundTrip() {
        #expect(PackedValues.encode(doubles: [1, 2.5]) == "AAAAAAAA8D8AAAAAAAAEQA==")
        #expect(PackedValues.decodeDoubles("AAAAAAAA8D8AAAAAAAAEQA==") == [1, 2.5])
        for n in 0..<7 {
            let bytes = (0..<n).map { UInt8($0 * 77 % 256) }
            #expect(PackedValues.decodeBytes(PackedValues.encode(bytes: bytes)) == bytes)
            #expect(PackedValues.encode(bytes: bytes) == Data(bytes).base64EncodedString())
        }
        let special = [0.0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        #expect(PackedValues.decodeDoubles(PackedValues.encode(doubles: special))!.map(\.bitPattern) == special.map(\.bitPattern))
        #expect(PackedValues.decodeBytes("abc") == nil && PackedValues.decodeBytes("ab=c") == nil && PackedValues.decodeDoubles("AAAA") == nil)
    }

    @Test func momentsAreStableFarFromZero() {
        // Values around 1e9 with a spread of 1: the naive Σx² formula loses every digit here.
        var m = RunningMoments()
        var left = RunningMoments()
        var right = RunningMoments()
        for i in 0..<10_000 {
            let x = 1e9 + Double(i % 3) - 1
            m.add(x)
            if i < 3_000 { left.add(x) } else { right.add(x) }
        }
        left.merge(right)
        // 3,334 values of −1, 3,333 of 0 and 3,333 of +1 around 1e9: mean offset −1e-4.
        let exact = ((6_667 - 10_000 * 1e-8) / 9_999).squareRoot()
        #expect(abs(m.standardDeviation! - exact) < 1e-6)
        #expect(abs(left.standardDeviation! - exact) < 1e-6 && abs(left.mean - (1e9 - 1e-4)) < 1e-3 && abs(m.mean - (1e9 - 1e-4)) < 1e-3)  // 1e-12 relative
        #expect(RunningMoments().standardDeviation == nil)
    }
}
