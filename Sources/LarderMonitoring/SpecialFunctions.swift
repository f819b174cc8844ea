#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The special functions behind the drift tests' p-values, written to agree with scipy's to far below
/// the 1e-9 relative tolerance the fixture grid checks (scipy's come from cephes/xsf).
package enum SpecialFunctions {
    /// Φ(x), the standard normal CDF, evaluated the way cephes' `ndtr` does: through `erf` near zero and
    /// `erfc` in the tails. The z-test then takes `1 − Φ(|z|)` exactly as Evidently does, so matching the
    /// rounding of Φ (not just its value) is what makes tiny p-values agree.
    package static func normalCDF(_ a: Double) -> Double {
        let x = a * 0.5.squareRoot()
        let z = abs(x)
        if z < 0.5.squareRoot() { return 0.5 + 0.5 * erf(x) }
        let y = 0.5 * erfc(z)
        return x > 0 ? 1.0 - y : y
    }

    /// The χ² survival function with `degreesOfFreedom` (scipy's `chdtrc`): Q(df/2, x/2).
    package static func chiSquareSurvival(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x.isNaN || df <= 0 { return .nan }
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        return regularizedUpperGamma(df / 2, x / 2)
    }

    /// Q(a, x) = Γ(a, x)/Γ(a): a power series for P = 1 − Q where it converges fast (x < a + 1), else a
    /// Lentz continued fraction for Q itself, so a small Q keeps its relative accuracy.
    static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        let logPrefactor = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1.0 / a
            var sum = term
            var ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return 1 - sum * exp(logPrefactor)
        }
        // Modified Lentz for the continued fraction of Γ(a, x) (Numerical Recipes' gcf form).
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 10_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-17 { break }
            i += 1
        }
        return exp(logPrefactor) * h
    }

    /// log C(n, k) through `lgamma`.
    static func logBinomial(_ n: Double, _ k: Double) -> Double {
        lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
    }

    /// numpy's pairwise summation (what `np.sum` does on a float64 array): blocks of 8 partial sums up
    /// to 128 elements, halves above. Keeps sums of long arrays within a few ulps of numpy's.
    static func pairwiseSum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwiseSum($0[...]) }
    }

    private static func pairwiseSum(_ a: Slice<UnsafeBufferPointer<Double>>) -> Double {
        let n = a.count
        let start = a.startIndex
        if n < 8 {
            var sum = 0.0
            for i in a.indices { sum += a[i] }
            return sum
        }
        if n <= 128 {
            var r = (0..<8).map { a[start + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[start + i + j] }
                i += 8
            }
            var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                sum += a[start + i]
                i += 1
            }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(a[start..<(start + half)]) + pairwiseSum(a[(start + half)..<a.endIndex])
    }
}
