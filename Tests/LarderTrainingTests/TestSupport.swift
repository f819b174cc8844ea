import Foundation
import Larder
import LarderTraining

/// Seeded generators for property tests.
struct TestRandom {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
    mutating func uniform(_ range: ClosedRange<Double>) -> Double { range.lowerBound + uniform() * (range.upperBound - range.lowerBound) }
    mutating func int(_ bound: Int) -> Int { Int(rng.next() % UInt64(bound)) }
    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

func sigmoidForTests(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

/// Event times 0, 1, 2, ... so the last rows of a data set are its validation part.
func sequentialTimes(_ n: Int) -> [Int64] { (0..<n).map { Int64($0) } }
