import Foundation
import LarderMonitoring
import Testing

@Suite struct DriftEdgeCaseTests {
    /// A seeded sample of `n` values spread over (0, 1) without repeats: n > 5 distinct, so KS or Wasserstein.
    func spread(_ n: Int, offset: Double = 0) -> [Double] {
        (0..<n).map { Double(($0 * 7919) % n) / Double(n) + offset }
    }

    @Test func allMissingSidesAreInsufficient() {
        let nanCurrent = FeatureDrift(columnName: "x", samples: .numerical(reference: spread(300), current: [Double](repeating: .nan, count: 150)))
        #expect(nanCurrent.status == .insufficientData)
        #expect(nanCurrent.currentSize == 0)
        #expect(nanCurrent.stattest == nil && nanCurrent.driftScore == nil && nanCurrent.driftDetected == nil)

        let infReference = FeatureDrift(columnName: "x", samples: .numerical(reference: [.infinity, -.infinity, .nan], current: spread(150)))
        #expect(infReference.status == .insufficientData)
        #expect(infReference.referenceSize == 0)

        let nilCategories = FeatureDrift(columnName: "c", samples: .categorical(reference: ["a", "b"], current: [String?](repeating: nil, count: 200)))
        #expect(nilCategories.status == .insufficientData)
        #expect(FeatureDrift.stattest(.categorical(reference: ["a"], current: [nil])) == nil)
    }

    @Test func currentUnderOneHundredRowsIsInsufficientNeverNoDrift() {
        let reference = spread(500)
        let at99 = FeatureDrift(columnName: "x", samples: .numerical(reference: reference, current: Array(reference.prefix(99))))
        #expect(at99.status == .insufficientData)
        #expect(at99.driftDetected == nil)
        let at100 = FeatureDrift(columnName: "x", samples: .numerical(reference: reference, current: Array(reference.prefix(100))))
        #expect(at100.status == .noDrift)
        #expect(at100.stattest == .kolmogorovSmirnov)
        // 120 rows, 21 of them NaN or inf: 99 usable rows.
        let dirty = Array(reference.prefix(99)) + [Double](repeating: .nan, count: 20) + [.infinity]
        #expect(FeatureDrift(columnName: "x", samples: .numerical(reference: reference, current: dirty)).status == .insufficientData)
        // The threshold is the caller's to raise.
        #expect(FeatureDrift(columnName: "x", samples: .numerical(reference: reference, current: reference), minimumCurrentRows: 600).status == .insufficientData)
    }

    @Test func infinitiesAreDroppedLikeNaN() {
        let reference = spread(400)
        let current = spread(300, offset: 0.05)
        let dirtyReference = reference + [.infinity, -.infinity, .nan]
        let dirtyCurrent = [.nan] + current + [-.infinity]
        let clean = FeatureDrift.stattest(.numerical(reference: reference, current: current))
        let dirty = FeatureDrift.stattest(.numerical(reference: dirtyReference, current: dirtyCurrent))
        #expect(clean != nil)
        #expect(clean == dirty)
        let drift = FeatureDrift(columnName: "x", samples: .numerical(reference: dirtyReference, current: dirtyCurrent))
        #expect(drift.referenceSize == 400 && drift.currentSize == 300)
    }

    @Test func constants() throws {
        let same = try #require(FeatureDrift.stattest(.numerical(reference: Array(repeating: 3.5, count: 500), current: Array(repeating: 3.5, count: 200))))
        #expect(same.test == .proportionZ)
        #expect(same.score == 1)
        #expect(!same.detected)
        let differ = try #require(FeatureDrift.stattest(.numerical(reference: Array(repeating: 3.5, count: 500), current: Array(repeating: 4, count: 200))))
        #expect(differ.test == .proportionZ)
        #expect(differ.score < 1e-12)
        #expect(differ.detected)
        // Over 1,000 reference rows: Jensen–Shannon, 0 for the same constant, √(ln 2) for disjoint ones.
        let bigSame = try #require(FeatureDrift.stattest(.numerical(reference: Array(repeating: -1, count: 2000), current: Array(repeating: -1, count: 300))))
        #expect(bigSame.test == .jensenShannon && bigSame.score == 0 && !bigSame.detected)
        let bigDiffer = try #require(FeatureDrift.stattest(.numerical(reference: Array(repeating: -1, count: 2000), current: Array(repeating: 2, count: 300))))
        #expect(bigDiffer.test == .jensenShannon && bigDiffer.detected)
        #expect(abs(bigDiffer.score - log(2.0).squareRoot()) < 1e-15)
        // A constant reference under Wasserstein: the std floor of 0.001 keeps the score finite.
        #expect(WassersteinDistance.normed(Array(repeating: 1, count: 10), [1, 2]) == 0.5 / 0.001)
    }

    @Test func selectionRulesAroundTheCuts() {
        let sel = DriftTest.select
        #expect(sel(.numerical, 1000, 6) == .kolmogorovSmirnov)
        #expect(sel(.numerical, 1000, 5) == .chiSquare)
        #expect(sel(.numerical, 1000, 3) == .chiSquare)
        #expect(sel(.numerical, 1000, 2) == .proportionZ)
        #expect(sel(.numerical, 1000, 1) == .proportionZ)
        #expect(sel(.categorical, 1000, 200) == .chiSquare)
        #expect(sel(.categorical, 1000, 2) == .proportionZ)
        #expect(sel(.numerical, 1001, 6) == .wasserstein)
        #expect(sel(.numerical, 1001, 5) == .jensenShannon)
        #expect(sel(.numerical, 1001, 1) == .jensenShannon)
        #expect(sel(.categorical, 1001, 200) == .jensenShannon)
        #expect(sel(.categorical, 1001, 2) == .jensenShannon)
    }

    /// KS drifts at p ≤ 0.05, χ² and z only below it, the distances at ≥ 0.1; NaN never drifts.
    @Test func thresholdDirections() {
        #expect(DriftTest.kolmogorovSmirnov.detects(score: 0.05, threshold: 0.05))
        #expect(!DriftTest.chiSquare.detects(score: 0.05, threshold: 0.05))
        #expect(!DriftTest.proportionZ.detects(score: 0.05, threshold: 0.05))
        #expect(DriftTest.jensenShannon.detects(score: 0.1, threshold: 0.1))
        #expect(DriftTest.wasserstein.detects(score: 0.1, threshold: 0.1))
        #expect(!DriftTest.wasserstein.detects(score: 0.0999, threshold: 0.1))
        for test in DriftTest.allCases { #expect(!test.detects(score: .nan, threshold: test.defaultThreshold)) }
    }

    /// Exact KS p-values small enough to count by hand: fully separated samples have D = 1 and
    /// p = 2 / C(n1 + n2, n1).
    @Test func exactKolmogorovSmirnovByHand() {
        let square = KolmogorovSmirnov.test([1, 2, 3], [4, 5, 6])
        #expect(square.statistic == 1 && square.exact)
        #expect(abs(square.pValue - 0.1) < 1e-15)
        let unequal = KolmogorovSmirnov.test([1, 2], [3, 4, 5])
        #expect(abs(unequal.pValue - 0.2) < 1e-15)
        let same = KolmogorovSmirnov.test([1, 2, 3, 4], [1, 2, 3, 4])
        #expect(same.statistic == 0 && same.pValue == 1)
        // Over 10,000 values on one side the p-value is asymptotic.
        #expect(!KolmogorovSmirnov.test(spread(50), spread(10_001)).exact)
    }

    @Test func distancesByHand() {
        #expect(WassersteinDistance.distance([0, 1], [1, 2]) == 1)
        #expect(WassersteinDistance.normed([0, 1], [1, 2]) == 2)  // std of {0, 1} is 0.5
        // Disjoint categories: JS distance √(ln 2); identical shares: 0.
        #expect(abs(JensenShannonDistance.distance(reference: ["a", "a"], current: ["b"]) - log(2.0).squareRoot()) < 1e-15)
        #expect(JensenShannonDistance.distance(reference: ["a", "b"], current: ["b", "a"]) == 0)
        // PSI fills the empty bins with 0.0001: ref {a: 1, b: 0.0001}, cur {a: 0.0001, b: 1}.
        let psi = PopulationStabilityIndex.index(reference: ["a", "a"], current: ["b", "b"])
        #expect(abs(psi - 2 * (1 - 0.0001) * log(1 / 0.0001)) < 1e-12)
    }

    /// A category the reference never saw has an expected count of 0: χ² is infinite and p = 0.
    @Test func unseenCategoryIsDriftUnderChiSquare() {
        let reference = (0..<300).map { ["a", "b", "c"][$0 % 3] }
        let current = reference.prefix(200) + ["new"]
        let result = ChiSquareTest.test(reference: reference, current: Array(current))
        #expect(result.statistic == .infinity)
        #expect(result.pValue == 0)
        #expect(result.degreesOfFreedom == 3)
        let same = ChiSquareTest.test(reference: reference, current: Array(reference.prefix(150)))
        #expect(same.statistic == 0 && same.pValue == 1)
    }
}
