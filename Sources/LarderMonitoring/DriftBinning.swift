#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How Evidently turns two samples into two vectors of shares for Jensen–Shannon and PSI
/// (`get_binned_data`): a numeric feature whose reference has more than 20 distinct values is cut into
/// Sturges bins over both samples pooled (`np.histogram_bin_edges(pooled, bins="sturges")`); anything
/// else is counted per distinct value over the union of both sides.
enum DriftBinning {
    /// Reference distinct counts above this bin numerically; at or below it count values.
    static let maxDistinctForValueCounts = 20

    static func shares(reference: [Double], current: [Double], fillZeroes: Bool) -> (reference: [Double], current: [Double]) {
        var result: (reference: [Double], current: [Double])
        if Set(reference).count > maxDistinctForValueCounts {
            let edges = sturgesEdges(reference + current)
            result = (histogramShares(reference, edges: edges), histogramShares(current, edges: edges))
        } else {
            let counts = ValueCounts(reference: reference, current: current)
            result = (counts.referenceShares, counts.currentShares)
        }
        if fillZeroes {
            Self.fillZeroes(&result.reference)
            Self.fillZeroes(&result.current)
        }
        return result
    }

    static func shares(reference: [String], current: [String], fillZeroes: Bool) -> (reference: [Double], current: [Double]) {
        let counts = ValueCounts(reference: reference, current: current)
        var result = (reference: counts.referenceShares, current: counts.currentShares)
        if fillZeroes {
            Self.fillZeroes(&result.reference)
            Self.fillZeroes(&result.current)
        }
        return result
    }

    /// Evidently's zero filling for PSI, per side: an empty bin gets 0.0001, or a millionth of the
    /// smallest non-empty share when that share is itself at most 0.0001 (so the filler stays below
    /// every real share).
    static func fillZeroes(_ shares: inout [Double]) {
        guard let smallest = shares.filter({ $0 != 0 }).min() else { return }
        let filler = smallest <= 0.0001 ? smallest / 1_000_000 : 0.0001
        for i in shares.indices where shares[i] == 0 { shares[i] = filler }
    }

    /// numpy's Sturges edges: ⌈range / (range / (log₂ n + 1))⌉ equal bins from min to max, the edges from
    /// `np.linspace` (i·step + min, the last edge exactly max). The division is kept as numpy writes it:
    /// when n is a power of two the bin count hangs on its rounding.
    static func sturgesEdges(_ pooled: [Double]) -> [Double] {
        var first = pooled.min()!
        var last = pooled.max()!
        let width = (last - first) / (log2(Double(pooled.count)) + 1.0)
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let bins = width != 0 ? Int(((last - first) / width).rounded(.up)) : 1
        let step = (last - first) / Double(bins)
        var edges = (0...bins).map { Double($0) * step + first }
        edges[bins] = last
        return edges
    }

    /// `np.histogram(sample, edges)[0] / len(sample)`: bins are [eᵢ, eᵢ₊₁), the last one closed.
    static func histogramShares(_ sample: [Double], edges: [Double]) -> [Double] {
        let sorted = sample.sorted()
        func lowerBound(_ x: Double) -> Int { partition(sorted) { $0 < x } }
        func upperBound(_ x: Double) -> Int { partition(sorted) { $0 <= x } }
        var cumulative = edges.dropLast().map(lowerBound)
        cumulative.append(upperBound(edges[edges.count - 1]))
        let n = Double(sample.count)
        return (0..<(edges.count - 1)).map { Double(cumulative[$0 + 1] - cumulative[$0]) / n }
    }

    /// The first index whose element fails `isBefore` (elements satisfying it come first).
    private static func partition(_ sorted: [Double], _ isBefore: (Double) -> Bool) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if isBefore(sorted[mid]) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
