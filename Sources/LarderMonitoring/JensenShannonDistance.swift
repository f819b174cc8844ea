#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Evidently's `jensenshannon` stattest: `scipy.spatial.distance.jensenshannon` (natural log) of the
/// two samples' shares from `DriftBinning`, without zero filling — an empty bin contributes 0 to its
/// side's relative entropy, as in scipy's `rel_entr`.
package enum JensenShannonDistance {
    package static func distance(reference: [Double], current: [Double]) -> Double {
        let shares = DriftBinning.shares(reference: reference, current: current, fillZeroes: false)
        return distance(shares.reference, shares.current)
    }

    package static func distance(reference: [String], current: [String]) -> Double {
        let shares = DriftBinning.shares(reference: reference, current: current, fillZeroes: false)
        return distance(shares.reference, shares.current)
    }

    /// √((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q)/2, each vector first renormalized to sum to 1.
    static func distance(_ pShares: [Double], _ qShares: [Double]) -> Double {
        let pSum = SpecialFunctions.pairwiseSum(pShares)
        let qSum = SpecialFunctions.pairwiseSum(qShares)
        let p = pShares.map { $0 / pSum }
        let q = qShares.map { $0 / qSum }
        let m = zip(p, q).map { ($0 + $1) / 2.0 }
        let left = SpecialFunctions.pairwiseSum(zip(p, m).map(relativeEntropy))
        let right = SpecialFunctions.pairwiseSum(zip(q, m).map(relativeEntropy))
        return ((left + right) / 2.0).squareRoot()
    }

    /// scipy's `rel_entr(x, y)`: x·log(x/y), 0 at x = 0, +∞ where x > 0 = y.
    static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x.isNaN || y.isNaN { return .nan }
        if x > 0 && y > 0 { return x * log(x / y) }
        if x == 0 && y >= 0 { return 0 }
        return .infinity
    }
}
