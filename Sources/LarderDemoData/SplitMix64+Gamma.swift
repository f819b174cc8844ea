import Larder

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SplitMix64 {
    /// A gamma deviate with `shape` ≥ 1 and `scale` (mean `shape × scale`), like numpy's `gamma(shape, scale)`,
    /// by Marsaglia and Tsang's squeeze-and-reject method on this generator's normals and uniforms; about
    /// 1.05 tries a draw for shape 2, so the stream stays deterministic for a seed.
    ///
    /// ```swift
    /// var rng = SplitMix64(seed: 7)
    /// rng.gamma(shape: 2, scale: 3)   // a trip's km, mean 6
    /// ```
    mutating func gamma(shape: Double, scale: Double) -> Double {
        precondition(shape >= 1, "gamma(shape:scale:) needs shape >= 1 (the method's boost for shape < 1 is not needed here)")
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal(mean: 0, standardDeviation: 1)
            var v = 1 + c * x
            if v <= 0 { continue }
            v = v * v * v
            // 1 - u is in (0, 1], so the logarithm below is finite.
            let u = 1 - uniformDouble()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1 - v + log(v)) {
                return d * v * scale
            }
        }
    }
}
