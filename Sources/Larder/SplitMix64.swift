/// A small, fast, deterministic random generator (Steele, Lea & Flood's SplitMix64): the same seed gives
/// the same stream on every platform and Swift version, which `SystemRandomNumberGenerator` cannot.
///
/// ```swift
/// var rng = SplitMix64(seed: 7)
/// rng.uniformFloat()            // in [0, 1)
/// rng.integer(below: 3_600)     // in 0..<3600
/// rng.normal(mean: 0, standardDeviation: 0.05)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    /// The second Box-Muller value, kept for the next call.
    private var spareNormal: Double?

    public init(seed: UInt64) {
        state = seed
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` without modulo bias (Lemire's multiply-and-reject). `bound` must be > 0.
    @inline(__always)
    public mutating func integer(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "integer(below:) needs a positive bound")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }

    /// Uniform in `[0, 1)` with 24 random bits, like numpy's `random(dtype=float32)`.
    @inline(__always)
    public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    @inline(__always)
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A normal deviate by the Box-Muller transform (both values of each pair are used).
    public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return mean + standardDeviation * spare
        }
        // 1 - u keeps the logarithm's argument in (0, 1].
        let u1 = 1 - uniformDouble()
        let u2 = uniformDouble()
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareNormal = radius * sin(angle)
        return mean + standardDeviation * radius * cos(angle)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
