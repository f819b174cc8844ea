import Larder

/// Quantile bins of every tree input, learned on (a seeded sample of) the training part.
///
/// A feature with at most `maxBins` distinct values gets one bin per value (thresholds halfway between
/// neighbours); otherwise thresholds sit at evenly spaced quantiles. Bin `j` holds the values `x` with
/// `thresholds[j-1] < x <= thresholds[j]`, so "bin ≤ j" is exactly "x ≤ thresholds[j]" and a tree
/// trained on bins predicts identically from raw values. Missing values (NaN) go to bin 255.
///
/// ```swift
/// let binner = FeatureBinner.fit(rawTrain, maxBins: 255, sampleSize: 200_000, seed: 1)
/// let bins = binner.bin(rawTrain)   // row-major UInt8, rows × features
/// ```
struct FeatureBinner: Sendable {
    static let missingBin: UInt8 = 255
    /// Per feature, strictly increasing and finite.
    var thresholds: [[Double]]

    var featureCount: Int { thresholds.count }

    /// Number of non-missing bins of `feature`.
    func binCount(_ feature: Int) -> Int { thresholds[feature].count + 1 }

    static func fit(_ x: DenseMatrix, maxBins: Int, sampleSize: Int, seed: UInt64) -> FeatureBinner {
        var rows = Array(0..<x.rows)
        if x.rows > sampleSize {
            // Partial Fisher–Yates: the first `sampleSize` entries are a seeded sample without replacement.
            var rng = SplitMix64(seed: seed)
            for i in 0..<sampleSize {
                rows.swapAt(i, i + rng.below(x.rows - i))
            }
            rows.removeSubrange(sampleSize...)
        }
        var thresholds: [[Double]] = []
        for f in 0..<x.columns {
            var values: [Double] = []
            values.reserveCapacity(rows.count)
            for r in rows {
                let v = x[r, f]
                if v.isFinite { values.append(v) }
            }
            values.sort()
            var distinct: [Double] = []
            for v in values where distinct.last != v { distinct.append(v) }
            var t: [Double] = []
            if distinct.count <= maxBins {
                for i in 0..<max(0, distinct.count - 1) { t.append(midpoint(distinct[i], distinct[i + 1])) }
            } else {
                let m = values.count
                for k in 1..<maxBins {
                    let position = Double(k) / Double(maxBins) * Double(m - 1)
                    let lower = Int(position.rounded(.down)), upper = Int(position.rounded(.up))
                    let q = midpoint(values[lower], values[upper])
                    // Values at the very top would make an empty last bin; stop below the maximum.
                    if q < distinct[distinct.count - 1], t.last.map({ q > $0 }) ?? true { t.append(q) }
                }
            }
            thresholds.append(t)
        }
        return FeatureBinner(thresholds: thresholds)
    }

    private static func midpoint(_ a: Double, _ b: Double) -> Double { a + (b - a) / 2 }

    /// The bin of one value: the first `j` with `x <= thresholds[j]`, or 255 when missing.
    func bin(_ x: Double, feature: Int) -> UInt8 {
        thresholds[feature].withUnsafeBufferPointer { Self.bin(x, $0) }
    }

    /// Branch-free lower bound (the comparisons are unpredictable, selects are not).
    @inline(__always)
    static func bin(_ x: Double, _ t: UnsafeBufferPointer<Double>) -> UInt8 {
        guard !x.isNaN else { return missingBin }
        var first = 0, length = t.count
        while length > 0 {
            let half = length >> 1
            let less = t[first + half] < x
            first = less ? first + half + 1 : first
            length = less ? length - half - 1 : half
        }
        return UInt8(truncatingIfNeeded: first)
    }

    /// Bins every value; row-major `rows × features`, the layout the histogram loop reads row by row.
    func bin(_ x: DenseMatrix) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: x.rows * x.columns)
        let chunks = ParallelChunks(count: x.rows)
        let columns = x.columns
        out.withUnsafeMutableBufferPointer { o in
            x.values.withUnsafeBufferPointer { v in
                let ob = o.baseAddress!, vb = v.baseAddress!
                chunks.run { _, rows in
                    for f in 0..<columns {
                        thresholds[f].withUnsafeBufferPointer { t in
                            for r in rows { ob[r * columns + f] = Self.bin(vb[r * columns + f], t) }
                        }
                    }
                }
            }
        }
        return out
    }
}
