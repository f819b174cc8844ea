/// Evidently's `chisquare` stattest: Pearson's χ² goodness of fit of the current counts against counts
/// expected from the reference proportions, `scipy.stats.chisquare(f_obs, f_exp)`.
///
/// Expected counts are the reference counts scaled by n_current / n_reference, over the union of the
/// values seen on either side. A value the reference never saw has an expected count of 0, so any
/// current row of it makes the statistic infinite and the p-value 0 (drift): Evidently lets scipy
/// divide by zero there, and this keeps that verdict rather than inventing a smoothing.
package enum ChiSquareTest {
    package struct Result: Sendable, Equatable {
        package var statistic: Double
        package var degreesOfFreedom: Int
        package var pValue: Double
    }

    package static func test<Key>(reference: [Key], current: [Key]) -> Result where Key: Hashable & Comparable & Sendable {
        test(ValueCounts(reference: reference, current: current))
    }

    static func test<Key>(_ counts: ValueCounts<Key>) -> Result {
        let scale = Double(counts.currentTotal) / Double(counts.referenceTotal)
        var terms: [Double] = []
        terms.reserveCapacity(counts.keys.count)
        for i in counts.keys.indices {
            let expected = Double(counts.reference[i]) * scale
            let observed = Double(counts.current[i])
            terms.append((observed - expected) * (observed - expected) / expected)
        }
        let statistic = SpecialFunctions.pairwiseSum(terms)
        let df = counts.keys.count - 1
        return Result(
            statistic: statistic, degreesOfFreedom: df,
            pValue: SpecialFunctions.chiSquareSurvival(statistic, degreesOfFreedom: Double(df)))
    }
}
