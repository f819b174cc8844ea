import Foundation
import LarderMonitoring
import Testing

/// Every case of the evidently/scipy grid: the same test, the same threshold and verdict, the score
/// within 1e-9 relative (1e-7 for exact KS p-values), and PSI within 1e-9.
@Suite struct DriftFixtureTests {
    let fixture: DriftFixture

    init() throws { fixture = try DriftFixture.load() }

    @Test func gridCoversEveryTestAndPath() {
        let tests = Set(fixture.cases.compactMap(\.expected.stattest))
        #expect(tests == ["ks", "chisquare", "z", "jensenshannon", "wasserstein"])
        #expect(fixture.cases.contains { $0.expected.ksExact == false })
        #expect(fixture.cases.contains { $0.expected.ksExact == true })
        #expect(fixture.cases.contains { $0.expected.error != nil })
        #expect(fixture.cases.count > 250)
    }

    @Test func sameTestScoreAndVerdictAsEvidently() {
        var worst: (name: String, error: Double) = ("", 0)
        for c in fixture.cases {
            let e = c.expected
            let clean = c.samples.cleaned()
            #expect(clean.counts.reference == e.referenceSize, "\(c.name)")
            #expect(clean.counts.current == e.currentSize, "\(c.name)")
            guard let test = e.stattest, let score = e.driftScore else {
                #expect(FeatureDrift.stattest(c.samples) == nil, "\(c.name): evidently raised \(e.error ?? "")")
                continue
            }
            #expect(clean.uniqueCount == e.nUnique, "\(c.name)")
            guard let outcome = FeatureDrift.stattest(c.samples) else {
                Issue.record("\(c.name): no result")
                continue
            }
            #expect(outcome.test.rawValue == test, "\(c.name)")
            #expect(outcome.test.displayName == e.stattestName, "\(c.name)")
            #expect(outcome.threshold == e.stattestThreshold, "\(c.name)")
            #expect(outcome.detected == e.driftDetected, "\(c.name): score \(outcome.score) vs \(score)")
            let tolerance = e.ksExact == true ? 1e-7 : 1e-9
            #expect(relativelyClose(outcome.score, score, tolerance: tolerance), "\(c.name): \(outcome.score) vs \(score)")
            let error = abs(outcome.score - score) / max(abs(score), .leastNormalMagnitude)
            if error > worst.error && !(outcome.score == score) { worst = (c.name, error) }
            if let psi = e.psi {
                let mine = FeatureDrift.psi(c.samples)
                #expect(mine.map { relativelyClose($0, psi, tolerance: 1e-9) } == true, "\(c.name): psi \(mine ?? .nan) vs \(psi)")
            }
        }
        print("largest relative score difference: \(worst.error) (\(worst.name))")
    }

    /// The feature-level verdict: the grid's verdict, except that a current sample under 100 rows (or an
    /// empty side) is insufficient data.
    @Test func featureStatusFollowsVerdictAndSampleSize() {
        for c in fixture.cases {
            let drift = FeatureDrift(columnName: c.name, samples: c.samples)
            let e = c.expected
            if e.error != nil || e.currentSize < 100 {
                #expect(drift.status == .insufficientData, "\(c.name)")
                #expect(drift.driftDetected == nil && drift.driftScore == nil, "\(c.name)")
            } else {
                #expect(drift.status == (e.driftDetected == true ? .drift : .noDrift), "\(c.name)")
                #expect(drift.driftDetected == e.driftDetected, "\(c.name)")
            }
        }
    }
}
