#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The survival function P(D_n ≥ x) of the one-sample two-sided Kolmogorov statistic D_n — what
/// scipy's `kstwo.sf(x, n)` returns, and so what `ks_2samp` reports on its asymptotic path.
///
/// scipy picks a method by region (Simard & L'Ecuyer, 2011); this follows the same regions so that the
/// one approximation among them (Pelz–Good) is used exactly where scipy uses it, and is exact
/// elsewhere:
/// - n·x ≤ 1 and n·x ≥ n − 1: Ruben–Gambino closed forms;
/// - x ≥ 0.5, and the far tail: twice the one-sided Smirnov probability (exact there);
/// - n ≤ 140 with n·x² ≤ 4, or n > 140 with n·x^1.5 ≤ 1.4: the exact CDF by the Durbin matrix (scipy uses
///   Pomeranz' recursion for part of the n ≤ 140 band; both are exact, so they agree to rounding);
/// - the rest of n > 140 with n·x² < 2.2: the Pelz–Good asymptotic series.
package enum KolmogorovDistribution {
    package static func survival(_ x: Double, n: Int) -> Double {
        precondition(n > 0)
        if x.isNaN { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let cdf: Double
            if n <= 140 {
                var product = 1.0
                for i in 1...n { product *= Double(i) * (1.0 / nd) * (2 * t - 1) }
                cdf = product
            } else {
                cdf = exp(logFactorialOverPower(n) + nd * log(2 * t - 1))
            }
            return clip(1.0 - cdf)
        }
        if t >= nd - 1 { return clip(2 * pow(1.0 - x, nd)) }
        if x >= 0.5 { return clip(2 * smirnovSurvival(n: n, x: x)) }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 4 { return clip(1.0 - durbinCDF(n: n, d: x)) }
            return clip(2 * smirnovSurvival(n: n, x: x))
        }
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 { return clip(2 * smirnovSurvival(n: n, x: x)) }
        let cdf = n <= 100_000 && nd * pow(x, 1.5) <= 1.4 ? durbinCDF(n: n, d: x) : pelzGoodCDF(n: n, x: x)
        return clip(1.0 - cdf)
    }

    private static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

    /// log(n! / nⁿ) by Stirling's series (the coefficients are those of 1/(12n) − 1/(360n³) + …).
    static func logFactorialOverPower(_ n: Int) -> Double {
        let coefficients = [
            -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
            -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
        ]
        let nd = Double(n)
        let rn = 1.0 / nd
        let u = rn / nd
        var poly = 0.0
        for c in coefficients { poly = poly * u + c }
        return log(nd) / 2 - nd + log(2 * Double.pi) / 2 + rn * poly
    }

    /// The one-sided P(D⁺_n ≥ x) by the Birnbaum–Tingey sum
    /// x · Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (1 − x − j/n)^(n−j) (x + j/n)^(j−1), every term positive, summed in
    /// log space from the largest term.
    static func smirnovSurvival(n: Int, x: Double) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        let nd = Double(n)
        let last = Int((nd * (1 - x)).rounded(.down))
        var logs: [Double] = []
        logs.reserveCapacity(last + 1)
        for j in 0...max(last, 0) {
            let jd = Double(j)
            let low = (nd - jd) / nd - x
            if low <= 0 { continue }
            logs.append(
                SpecialFunctions.logBinomial(nd, jd) + (nd - jd) * log(low) + (jd - 1) * log(x + jd / nd))
        }
        guard let top = logs.max() else { return 0 }
        var sum = 0.0
        for l in logs.sorted() { sum += exp(l - top) }
        return x * exp(top + log(sum))
    }

    /// The exact CDF P(D_n < d) by Durbin's matrix method in Marsaglia–Tsang–Wang's form:
    /// n!/nⁿ · (Hⁿ)[k, k] with k = ⌈n·d⌉ and H the (2k−1)-square matrix of 1/i! terms corrected by
    /// h = k − n·d. Powers are rescaled by 2¹²⁸ as they grow, the exponent kept apart.
    static func durbinCDF(n: Int, d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var inverseFactorial = [Double](repeating: 1, count: m + 1)
        for i in 1...m { inverseFactorial[i] = inverseFactorial[i - 1] / Double(i) }
        var H = Matrix(size: m)
        for r in 0..<m {
            for c in 0..<m where r - c + 1 >= 0 { H[r, c] = inverseFactorial[r - c + 1] }
        }
        for r in 0..<m { H[r, 0] = (1 - pow(h, Double(r + 1))) * inverseFactorial[r + 1] }
        for c in 0..<m { H[m - 1, c] = (1 - pow(h, Double(m - c))) * inverseFactorial[m - c] }
        H[m - 1, 0] = (1 + pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))) * inverseFactorial[m]

        let scale = 0x1p128
        var power = Matrix.identity(m)
        var powerExponent = 0
        var base = H
        var baseExponent = 0
        var e = n
        while e > 0 {
            if e % 2 == 1 {
                power = power * base
                powerExponent += baseExponent
            }
            base = base * base
            baseExponent *= 2
            if abs(base[k - 1, k - 1]) > scale {
                base.scale(by: 1 / scale)
                baseExponent += 128
            }
            e /= 2
        }
        var p = power[k - 1, k - 1]
        var exponent = powerExponent
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < 1 / scale {
                p *= scale
                exponent -= 128
            }
        }
        return exponent == 0 ? p : scalbn(p, exponent)
    }

    /// The Pelz–Good (1976) asymptotic CDF: Li-Chien/Korolyuk's K₀ + K₁/√n + K₂/n + K₃/n^1.5 in z = x√n,
    /// each Kᵢ rewritten with Jacobi theta transforms so its series converges fast for small z.
    static func pelzGoodCDF(n: Int, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi
        let pi4 = pi2 * pi2
        let pi6 = pi4 * pi2
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let z = Double(n).squareRoot() * x
        let z2 = z * z
        let z3 = z2 * z
        let z4 = z2 * z2
        let z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)

        let k1a = -z2
        let k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)

        var K = [0.0, 0.0, 0.0, 0.0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        for kk in stride(from: maxk, through: 1, by: -1) {
            let m = Double(2 * kk - 1)
            let m2 = m * m
            let m4 = m2 * m2
            let m6 = m4 * m2
            let qpower = pow(q, Double(8 * kk))
            let coefficients = [
                1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6,
            ]
            for i in 0..<4 { K[i] = K[i] * qpower + coefficients[i] }
        }
        let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for i in 0..<4 { K[i] = K[i] * q * sqrt2pi / divisors[i] }

        q = exp(-pi2 / 2 / z2)
        var k2extra = 0.0
        var k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        for kk in stride(from: maxk, through: 1, by: -1) {
            let k = Double(kk)
            let k2 = k * k
            let qpow = pow(q, k2)
            k2extra += k2 * qpow
            let kpi = Double.pi * k
            k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qpow
        }
        K[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
        K[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
        var sum = 0.0
        for i in 0..<4 { sum += K[i] / pow(Double(n), Double(i) / 2) }
        return sum
    }
}

/// A small dense square matrix for the Durbin method (at most a few dozen rows here).
private struct Matrix {
    let size: Int
    var storage: [Double]

    init(size: Int) {
        self.size = size
        storage = [Double](repeating: 0, count: size * size)
    }

    static func identity(_ size: Int) -> Matrix {
        var m = Matrix(size: size)
        for i in 0..<size { m[i, i] = 1 }
        return m
    }

    subscript(r: Int, c: Int) -> Double {
        get { storage[r * size + c] }
        set { storage[r * size + c] = newValue }
    }

    mutating func scale(by factor: Double) {
        for i in storage.indices { storage[i] *= factor }
    }

    static func * (a: Matrix, b: Matrix) -> Matrix {
        var out = Matrix(size: a.size)
        for r in 0..<a.size {
            for k in 0..<a.size {
                let x = a[r, k]
                if x == 0 { continue }
                for c in 0..<a.size { out.storage[r * a.size + c] += x * b.storage[k * a.size + c] }
            }
        }
        return out
    }
}
