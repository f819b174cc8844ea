/// Evidently's `wasserstein` stattest: the first Wasserstein (earth mover's) distance between the two
/// empirical distributions, `scipy.stats.wasserstein_distance`, divided by the reference's population
/// standard deviation (ddof 0) floored at 0.001 so a constant reference does not divide by zero.
package enum WassersteinDistance {
    /// W₁ = ∫ |F_ref − F_cur| dx, exactly as a sum over the gaps between consecutive pooled values.
    package static func distance(_ reference: [Double], _ current: [Double]) -> Double {
        let u = reference.sorted()
        let v = current.sorted()
        let all = (u + v).sorted()
        guard all.count > 1 else { return 0 }
        var terms: [Double] = []
        terms.reserveCapacity(all.count - 1)
        var i = 0
        var j = 0
        for k in 0..<(all.count - 1) {
            let x = all[k]
            while i < u.count && u[i] <= x { i += 1 }
            while j < v.count && v[j] <= x { j += 1 }
            let gap = Double(i) / Double(u.count) - Double(j) / Double(v.count)
            terms.append(abs(gap) * (all[k + 1] - x))
        }
        return SpecialFunctions.pairwiseSum(terms)
    }

    /// The population standard deviation (ddof 0), two-pass.
    package static func populationStandardDeviation(_ values: [Double]) -> Double {
        let n = Double(values.count)
        let mean = SpecialFunctions.pairwiseSum(values) / n
        let squares = values.map { ($0 - mean) * ($0 - mean) }
        return (SpecialFunctions.pairwiseSum(squares) / n).squareRoot()
    }

    /// The score Evidently compares with 0.1: W₁ / max(std_ref, 0.001).
    package static func normed(_ reference: [Double], _ current: [Double]) -> Double {
        distance(reference, current) / max(populationStandardDeviation(reference), 0.001)
    }
}
