/// Evidently's column types, as its JSON writes them.
package enum DriftColumnType: String, Sendable, Codable, Equatable {
    case numerical = "num"
    case categorical = "cat"
}

/// The stattests `DataDriftPreset` picks among by default, with Evidently's registry names, display
/// names (what its JSON puts in `stattest_name`), default thresholds and comparison directions.
package enum DriftTest: String, Sendable, Codable, CaseIterable, Equatable {
    case kolmogorovSmirnov = "ks"
    case chiSquare = "chisquare"
    case proportionZ = "z"
    case jensenShannon = "jensenshannon"
    case wasserstein = "wasserstein"

    package var displayName: String {
        switch self {
        case .kolmogorovSmirnov: "K-S p_value"
        case .chiSquare: "chi-square p_value"
        case .proportionZ: "Z-test p_value"
        case .jensenShannon: "Jensen-Shannon distance"
        case .wasserstein: "Wasserstein distance (normed)"
        }
    }

    package var defaultThreshold: Double {
        switch self {
        case .kolmogorovSmirnov, .chiSquare, .proportionZ: 0.05
        case .jensenShannon, .wasserstein: 0.1
        }
    }

    /// Whether `score` means drift at `threshold`. The p-value tests drift when the p-value is small —
    /// KS at p ≤ threshold but χ² and z at p < threshold, as Evidently writes them — and the distances
    /// when the distance is at least the threshold. A NaN score is no drift (every comparison is false),
    /// as in Evidently.
    package func detects(score: Double, threshold: Double) -> Bool {
        switch self {
        case .kolmogorovSmirnov: score <= threshold
        case .chiSquare, .proportionZ: score < threshold
        case .jensenShannon, .wasserstein: score >= threshold
        }
    }

    /// The largest reference (in rows, after cleaning) on which the p-value tests are chosen; above it
    /// the distances are, since any difference becomes "significant" on big samples.
    package static let smallReferenceLimit = 1_000

    /// Evidently's `_get_default_stattest` for numerical and categorical columns. `uniqueCount` is the
    /// number of distinct non-missing values over reference and current together.
    ///
    /// | reference rows | numerical, > 5 distinct | numerical, 3–5 | numerical, ≤ 2 | categorical, > 2 | categorical, ≤ 2 |
    /// |---|---|---|---|---|---|
    /// | ≤ 1,000 | KS | χ² | z | χ² | z |
    /// | > 1,000 | Wasserstein (normed) | Jensen–Shannon | Jensen–Shannon | Jensen–Shannon | Jensen–Shannon |
    package static func select(columnType: DriftColumnType, referenceCount: Int, uniqueCount: Int) -> DriftTest {
        if referenceCount <= smallReferenceLimit {
            if columnType == .numerical && uniqueCount > 5 { return .kolmogorovSmirnov }
            return uniqueCount > 2 ? .chiSquare : .proportionZ
        }
        if columnType == .numerical && uniqueCount > 5 { return .wasserstein }
        return .jensenShannon
    }
}
