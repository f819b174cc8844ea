/// The readable figures of a `FeatureProfile`: what `larder` shows and stores beside the packed
/// sketches. Quantiles come from the KLL sketch, so each is within `quantileRankError` of its fraction in
/// normalized rank; `distinct` is the HyperLogLog estimate (relative standard error
/// `distinctStandardError`); `topValues` are upper bounds within `topValuesMaximumError` of the truth.
///
/// ```swift
/// let s = profile.summary
/// print(s.count, s.nullCount, s.p50 ?? .nan, s.distinct)
/// ```
package struct FeatureProfileSummary: Sendable, Equatable, Codable {
    package var kind: FeatureProfile.Kind
    package var count: Int
    package var nullCount: Int
    package var nanCount: Int
    package var infinityCount: Int
    package var min: Double?
    package var max: Double?
    package var mean: Double?
    /// Sample standard deviation (n − 1).
    package var standardDeviation: Double?
    package var p01: Double?
    package var p05: Double?
    package var p25: Double?
    package var p50: Double?
    package var p75: Double?
    package var p95: Double?
    package var p99: Double?
    /// The normalized rank error the quantiles are within (99 % confidence), nil for strings.
    package var quantileRankError: Double?
    package var distinct: Double
    package var distinctStandardError: Double
    package var topValues: [TopValues.Entry]?
    package var topValuesMaximumError: Int?

    /// The fractions of p01 … p99.
    package static let fractions = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
}

extension FeatureProfile {
    package var summary: FeatureProfileSummary {
        let q = quantiles?.quantiles(FeatureProfileSummary.fractions)
        let hasValues = moments.count > 0
        return FeatureProfileSummary(
            kind: kind, count: count, nullCount: nullCount, nanCount: nanCount, infinityCount: infinityCount,
            min: hasValues ? moments.min : nil, max: hasValues ? moments.max : nil, mean: hasValues ? moments.mean : nil,
            standardDeviation: moments.standardDeviation,
            p01: q?[0], p05: q?[1], p25: q?[2], p50: q?[3], p75: q?[4], p95: q?[5], p99: q?[6],
            quantileRankError: quantiles?.rankErrorBound,
            distinct: distinct.estimate.rounded(), distinctStandardError: distinct.standardError,
            topValues: topValues?.entries, topValuesMaximumError: topValues?.maximumError)
    }
}
