#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The population stability index Larder reports beside each feature's drift test, as Evidently's
/// `psi` stattest computes it: Σ (ref − cur)·ln(ref / cur) over the shares from `DriftBinning`, with
/// empty bins filled (0.0001, or a millionth of the smallest share when that is smaller) so no term is
/// infinite. Evidently's own threshold for it is 0.1.
package enum PopulationStabilityIndex {

    package static func index(reference: [Double], current: [Double]) -> Double {
        let shares = DriftBinning.shares(reference: reference, current: current, fillZeroes: true)
        return index(shares.reference, shares.current)
    }

    package static func index(reference: [String], current: [String]) -> Double {
        let shares = DriftBinning.shares(reference: reference, current: current, fillZeroes: true)
        return index(shares.reference, shares.current)
    }

    static func index(_ reference: [Double], _ current: [Double]) -> Double {
        SpecialFunctions.pairwiseSum(zip(reference, current).map { ($0 - $1) * log($0 / $1) })
    }
}
