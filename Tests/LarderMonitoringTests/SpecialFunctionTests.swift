import LarderMonitoring
import Testing

/// The distributions behind the p-values against scipy's, over every region scipy splits them into.
@Suite struct SpecialFunctionTests {
    let special: DriftFixture.Special

    init() throws { special = try DriftFixture.load().special }

    /// kstwo.sf over n = 1…5,000 and x across the Ruben–Gambino, Durbin-matrix, Pomeranz, Pelz–Good and
    /// Smirnov regions.
    @Test func kolmogorovSurvivalMatchesScipy() {
        #expect(special.kstwoSf.count > 200)
        for row in special.kstwoSf {
            let (n, x, expected) = (Int(row[0]), row[1], row[2])
            let mine = KolmogorovDistribution.survival(x, n: n)
            #expect(relativelyClose(mine, expected, tolerance: 1e-9), "kstwo.sf(\(x), \(n)): \(mine) vs \(expected)")
        }
    }

    @Test func chiSquareSurvivalMatchesScipy() {
        for row in special.chi2Sf {
            let (df, x, expected) = (row[0], row[1], row[2])
            let mine = SpecialFunctions.chiSquareSurvival(x, degreesOfFreedom: df)
            #expect(relativelyClose(mine, expected, tolerance: 1e-9), "chi2.sf(\(x), \(df)): \(mine) vs \(expected)")
        }
    }

    /// Evidently's 2·(1 − Φ(|z|)), down to where Φ rounds to 1 − 2⁻⁵³ and below.
    @Test func twoSidedNormalPValueMatchesScipy() {
        for row in special.zTwoSided {
            let mine = 2 * (1 - SpecialFunctions.normalCDF(abs(row[0])))
            #expect(relativelyClose(mine, row[1], tolerance: 1e-9), "z = \(row[0]): \(mine) vs \(row[1])")
        }
    }

    @Test func chiSquareSurvivalEdges() {
        #expect(SpecialFunctions.chiSquareSurvival(0, degreesOfFreedom: 3) == 1)
        #expect(SpecialFunctions.chiSquareSurvival(.infinity, degreesOfFreedom: 3) == 0)
        #expect(SpecialFunctions.chiSquareSurvival(.nan, degreesOfFreedom: 3).isNaN)
        // df = 2 is exp(−x/2) exactly.
        #expect(relativelyClose(SpecialFunctions.chiSquareSurvival(7.3, degreesOfFreedom: 2), 0.02599112877875534, tolerance: 1e-13))
    }

    @Test func kolmogorovSurvivalEdges() {
        #expect(KolmogorovDistribution.survival(0, n: 10) == 1)
        #expect(KolmogorovDistribution.survival(1, n: 10) == 0)
        #expect(KolmogorovDistribution.survival(0.04, n: 10) == 1)  // n·x ≤ 1/2: D ≥ 1/(2n) always
        // n = 1: D₁ is uniform on [1/2, 1], so P(D₁ ≥ x) = 2(1 − x).
        #expect(relativelyClose(KolmogorovDistribution.survival(0.8, n: 1), 0.4, tolerance: 1e-14))
    }
}
