/// Count, minimum, maximum, mean and standard deviation of a stream of finite doubles in one pass:
/// Welford's update for each value and Chan, Golub & LeVeque's pairwise formula to merge, both stable
/// where the naive Σx² − (Σx)²/n loses everything to cancellation.
///
/// ```swift
/// var m = RunningMoments()
/// for x in [2.0, 4, 4, 4, 5, 5, 7, 9] { m.add(x) }
/// m.mean                        // 5
/// m.standardDeviation           // 2.138…  (sample, n − 1)
/// m.populationStandardDeviation // 2
/// ```
package struct RunningMoments: Sendable, Equatable {
    package private(set) var count = 0
    package private(set) var mean = 0.0
    /// Σ (x − mean)², the second central moment times n.
    package private(set) var sumOfSquaredDeviations = 0.0
    package private(set) var min = Double.infinity
    package private(set) var max = -Double.infinity

    package init() {}

    package mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        sumOfSquaredDeviations += delta * (x - mean)
        min = Swift.min(min, x)
        max = Swift.max(max, x)
    }

    package mutating func merge(_ other: RunningMoments) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let n = Double(count + other.count)
        let delta = other.mean - mean
        mean += delta * Double(other.count) / n
        sumOfSquaredDeviations += other.sumOfSquaredDeviations + delta * delta * Double(count) * Double(other.count) / n
        count += other.count
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// The sample standard deviation (n − 1); nil under two values.
    package var standardDeviation: Double? {
        count > 1 ? (sumOfSquaredDeviations / Double(count - 1)).squareRoot() : nil
    }

    /// The population standard deviation (n), what the Wasserstein drift score divides by; nil when empty.
    package var populationStandardDeviation: Double? {
        count > 0 ? (sumOfSquaredDeviations / Double(count)).squareRoot() : nil
    }
}

extension RunningMoments: Codable {
    private enum CodingKeys: String, CodingKey {
        case count = "n", moments
    }

    /// `n` and, when non-empty, [mean, Σ(x − mean)², min, max] as packed doubles (exact, and valid JSON
    /// even where Σ(x − mean)² overflowed to infinity).
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        if count > 0 { try c.encode(PackedValues.encode(doubles: [mean, sumOfSquaredDeviations, min, max]), forKey: .moments) }
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decode(Int.self, forKey: .count)
        guard count > 0 else { return }
        let values = try PackedValues.decodeDoubles(c, forKey: .moments)
        guard values.count == 4 else {
            throw DecodingError.dataCorruptedError(forKey: .moments, in: c, debugDescription: "moments are [mean, m2, min, max]")
        }
        mean = values[0]
        sumOfSquaredDeviations = values[1]
        min = values[2]
        max = values[3]
    }
}
