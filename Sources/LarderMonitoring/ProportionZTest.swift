/// Evidently's `z` stattest for features with at most two distinct values: the two-proportion z-test
/// on the share of rows that differ from the smallest value.
///
/// Evidently's arithmetic is kept step for step — p̂ = (p₁n₁ + p₂n₂)/(n₁ + n₂) from the shares, not the
/// counts, and the p-value as 2·(1 − Φ(|z|)) rather than through the survival function — because the
/// last bits of a small p-value depend on them. Both sides holding the same single value is p = 1.
package enum ProportionZTest {
    package struct Result: Sendable, Equatable {
        package var statistic: Double
        package var pValue: Double
    }

    package static func test<Key>(reference: [Key], current: [Key]) -> Result where Key: Hashable & Comparable & Sendable {
        test(ValueCounts(reference: reference, current: current))
    }

    static func test<Key>(_ counts: ValueCounts<Key>) -> Result {
        let referenceDistinct = counts.reference.filter { $0 > 0 }.count
        let currentDistinct = counts.current.filter { $0 > 0 }.count
        if counts.keys.count == 1 && referenceDistinct == 1 && currentDistinct == 1 {
            return Result(statistic: 0, pValue: 1)
        }
        let n1 = Double(counts.referenceTotal)
        let n2 = Double(counts.currentTotal)
        // Indicator: 0 for the smallest value, 1 for anything else.
        let p1 = Double(counts.referenceTotal - counts.reference[0]) / n1
        let p2 = Double(counts.currentTotal - counts.current[0]) / n2
        let pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        let z = (p1 - p2) / (pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2)).squareRoot()
        return Result(statistic: z, pValue: 2 * (1 - SpecialFunctions.normalCDF(abs(z))))
    }
}
