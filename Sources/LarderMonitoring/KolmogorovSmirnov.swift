#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(reference, current)` runs
/// it with its default `method='auto'` — which is what Evidently's `ks` stattest calls.
///
/// - The statistic D is the largest gap between the two empirical CDFs, each evaluated at every observed
///   value (ties handled by counting values ≤ v on both sides, as scipy's `searchsorted(side='right')`).
/// - `auto` is exact when both samples have at most 10,000 values: D is snapped to h / lcm(n1, n2) and
///   the p-value counts lattice paths (`exactPValue`). Otherwise it is asymptotic: the one-sample
///   two-sided Kolmogorov distribution at n = round(n1·n2 / (n1 + n2)) (scipy's `kstwo.sf`).
package enum KolmogorovSmirnov {
    /// scipy's `MAX_AUTO_N`: the largest sample size for which `method='auto'` computes exactly.
    package static let maxExactSampleSize = 10_000

    package struct Result: Sendable, Equatable {
        package var statistic: Double
        package var pValue: Double
        /// Whether the p-value is the exact path count (else the asymptotic distribution).
        package var exact: Bool
    }

    /// Runs the test on two non-empty samples of finite values.
    package static func test(_ reference: [Double], _ current: [Double]) -> Result {
        precondition(!reference.isEmpty && !current.isEmpty, "ks_2samp needs two non-empty samples")
        let a = reference.sorted()
        let b = current.sorted()
        let n1 = a.count
        let n2 = b.count
        let d = statistic(sortedA: a, sortedB: b)
        if max(n1, n2) <= maxExactSampleSize, let exact = exactPValue(n1: n1, n2: n2, d: d) {
            return Result(statistic: exact.statistic, pValue: min(max(exact.pValue, 0), 1), exact: true)
        }
        let m = Double(max(n1, n2))
        let n = Double(min(n1, n2))
        let en = (m * n / (m + n)).rounded(.toNearestOrEven)
        let p = KolmogorovDistribution.survival(d, n: Int(en))
        return Result(statistic: d, pValue: min(max(p, 0), 1), exact: false)
    }

    /// max |F_a(v) − F_b(v)| over the observed values, with each CDF a `count / n` division as scipy's.
    static func statistic(sortedA a: [Double], sortedB b: [Double]) -> Double {
        let n1 = Double(a.count)
        let n2 = Double(b.count)
        var i = 0
        var j = 0
        var maxDiff = -Double.infinity
        var minDiff = Double.infinity
        while i < a.count || j < b.count {
            let v = j == b.count || (i < a.count && a[i] <= b[j]) ? a[i] : b[j]
            while i < a.count && a[i] <= v { i += 1 }
            while j < b.count && b[j] <= v { j += 1 }
            let diff = Double(i) / n1 - Double(j) / n2
            maxDiff = max(maxDiff, diff)
            minDiff = min(minDiff, diff)
        }
        let minS = min(max(-minDiff, 0), 1)
        return minS > maxDiff ? minS : maxDiff
    }

    /// The exact two-sided p-value P(D ≥ d) under the null, or nil when the computation leaves [0, 1]
    /// (scipy then falls back to the asymptotic distribution). Returns the snapped statistic too.
    static func exactPValue(n1: Int, n2: Int, d: Double) -> (statistic: Double, pValue: Double)? {
        let g = gcd(n1, n2)
        let lcm = (n1 / g) * n2
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let snapped = Double(h) / Double(lcm)
        if h == 0 { return (snapped, 1.0) }
        let p = n1 == n2 ? probabilityOutsideSquare(n: n1, h: h) : outerProbabilityInside(m: n1, n: n2, g: g, h: h)
        guard p.isFinite, p >= 0, p <= 1 else { return nil }
        return (snapped, p)
    }

    /// Equal sizes: P(D_{n,n} ≥ h/n) = 2 Σ_k (−1)^(k+1) C(2n, n − kh) / C(2n, n), evaluated as the
    /// alternating sum's nested form 2·A₁(1 − A₂(1 − A₃(…))) with each ratio Aₖ a product of h factors,
    /// which avoids both huge binomials and subtractive cancellation.
    static func probabilityOutsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var ratio = 1.0
            for j in 0..<h {
                ratio = Double(n - k * h - j) * ratio / Double(n + k * h + j + 1)
            }
            p = ratio * (1.0 - p)
            k -= 1
        }
        return 2 * p
    }

    /// Unequal sizes: the share of lattice paths from (0, 0) to (m, n) that leave the band
    /// |x/m − y/n| < h / lcm — Hodges' inside method, with Viehmann's recursion carrying 1 − p column
    /// by column (each entry already divided by its binomial coefficient, so nothing overflows and a
    /// small p-value keeps its digits). Only a sliding window of one column is kept.
    static func outerProbabilityInside(m m0: Int, n n0: Int, g: Int, h: Int) -> Double {
        let m = max(m0, n0)
        let n = min(m0, n0)
        let mg = m / g
        let ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var column = [Double](repeating: 1, count: lenA)
        for j in minj..<maxj { column[j] = 0 }
        for i in 1...m {
            let lastminj = minj
            let lastlen = curlen
            minj = min(max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0), n)
            maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1.0 }
            var value = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                value = (column[jj + minj - lastminj] * Double(i) + value * Double(j)) / Double(i + j)
                column[jj] = value
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for k in curlen..<min(lastlen, column.count) { column[k] = 1 }
            }
        }
        return column[maxj - minj - 1]
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
