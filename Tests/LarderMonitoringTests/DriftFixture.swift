import Foundation
import LarderMonitoring

/// The grid `scripts/drift_fixtures.py` computed with evidently/scipy, read from the checked-in JSON.
struct DriftFixture: Decodable {
    var generator: String
    var versions: [String: String]
    var special: Special
    var cases: [Case]

    /// scipy's distributions on their own: rows of [n, x, kstwo.sf(x, n)], [df, x, chi2.sf(x, df)] and
    /// [z, 2·(1 − norm.cdf(|z|))].
    struct Special: Decodable {
        var kstwoSf: [[Double]]
        var chi2Sf: [[Double]]
        var zTwoSided: [[Double]]

        enum CodingKeys: String, CodingKey {
            case kstwoSf = "kstwo_sf"
            case chi2Sf = "chi2_sf"
            case zTwoSided = "z_two_sided"
        }
    }

    struct Case: Decodable {
        var name: String
        var columnType: String
        var reference: [Value]
        var current: [Value]
        var expected: Expected

        enum CodingKeys: String, CodingKey {
            case name, reference, current, expected
            case columnType = "column_type"
        }

        var samples: FeatureSamples {
            if columnType == "num" {
                return .numerical(reference: reference.map(\.number), current: current.map(\.number))
            }
            return .categorical(reference: reference.map(\.string), current: current.map(\.string))
        }
    }

    struct Expected: Decodable {
        var referenceSize: Int
        var currentSize: Int
        var error: String?
        var nUnique: Int?
        var stattest: String?
        var stattestName: String?
        var driftScore: Double?
        var stattestThreshold: Double?
        var driftDetected: Bool?
        var ksExact: Bool?
        var psi: Double?

        enum CodingKeys: String, CodingKey {
            case error, stattest, psi
            case referenceSize = "reference_size"
            case currentSize = "current_size"
            case nUnique = "n_unique"
            case stattestName = "stattest_name"
            case driftScore = "drift_score"
            case stattestThreshold = "stattest_threshold"
            case driftDetected = "drift_detected"
            case ksExact = "ks_exact"
        }
    }

    /// A sample value as the script writes it: a number, null (NaN / missing), "inf"/"-inf", or a string.
    enum Value: Decodable {
        case number(Double)
        case text(String)
        case missing

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .missing
            } else if let d = try? c.decode(Double.self) {
                self = .number(d)
            } else {
                self = .text(try c.decode(String.self))
            }
        }

        var number: Double {
            switch self {
            case .number(let d): d
            case .missing: .nan
            case .text("inf"): .infinity
            case .text("-inf"): -.infinity
            case .text(let s): Double(s) ?? .nan
            }
        }

        var string: String? {
            switch self {
            case .text(let s): s
            case .missing: nil
            case .number(let d): String(d)
            }
        }
    }

    static func load() throws -> DriftFixture {
        guard let url = Bundle.module.url(forResource: "drift_fixtures", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(DriftFixture.self, from: Data(contentsOf: url))
    }
}

/// |a − b| ≤ tolerance · max(|a|, |b|), with equal values (0 and 0, ∞ and ∞) and two NaNs agreeing.
func relativelyClose(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
    if a == b || (a.isNaN && b.isNaN) { return true }
    return abs(a - b) <= tolerance * max(abs(a), abs(b))
}
