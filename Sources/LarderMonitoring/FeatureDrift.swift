/// One feature's two samples as the caller read them: the column type is the caller's (Larder's value
/// type), as Evidently takes it from the column mapping. Missing values are NaN or ±inf for numbers and
/// nil for categories; they are dropped before any test, as Evidently does.
package enum FeatureSamples: Sendable, Equatable {
    case numerical(reference: [Double], current: [Double])
    case categorical(reference: [String?], current: [String?])

    package var columnType: DriftColumnType {
        switch self {
        case .numerical: .numerical
        case .categorical: .categorical
        }
    }

    /// ±inf → NaN, NaN (and nil) dropped.
    package func cleaned() -> CleanFeatureSamples {
        switch self {
        case .numerical(let r, let c): .numerical(reference: r.filter(\.isFinite), current: c.filter(\.isFinite))
        case .categorical(let r, let c): .categorical(reference: r.compactMap { $0 }, current: c.compactMap { $0 })
        }
    }
}

/// A feature's samples with the missing values dropped: what the tests run on.
package enum CleanFeatureSamples: Sendable, Equatable {
    case numerical(reference: [Double], current: [Double])
    case categorical(reference: [String], current: [String])

    package var columnType: DriftColumnType {
        switch self {
        case .numerical: .numerical
        case .categorical: .categorical
        }
    }

    package var counts: (reference: Int, current: Int) {
        switch self {
        case .numerical(let r, let c): (r.count, c.count)
        case .categorical(let r, let c): (r.count, c.count)
        }
    }

    /// Distinct values over both sides together (Evidently's `n_unique`).
    package var uniqueCount: Int {
        switch self {
        case .numerical(let r, let c): Set(r).union(c).count
        case .categorical(let r, let c): Set(r).union(c).count
        }
    }
}

/// What one stattest made of a feature: Evidently's `StatTestResult`.
package struct StatTestOutcome: Sendable, Equatable {
    package var test: DriftTest
    package var score: Double
    package var threshold: Double
    package var detected: Bool
}

package enum DriftStatus: String, Sendable, Codable, Equatable {
    case drift
    case noDrift = "no_drift"
    /// Too few current rows to say anything — never read as "no drift".
    case insufficientData = "insufficient_data"
}

/// The drift verdict for one feature, encoded with Evidently's field names (`column_name`,
/// `stattest_name`, `drift_score`, `stattest_threshold`, `drift_detected`) plus Larder's `status`, the
/// registry name of the test, the PSI beside it and the cleaned sample sizes. A feature with
/// insufficient data carries no test fields (they are left out of the JSON).
package struct FeatureDrift: Sendable, Codable, Equatable {
    package var columnName: String
    package var columnType: DriftColumnType
    package var status: DriftStatus
    package var stattest: DriftTest?
    package var stattestName: String?
    package var driftScore: Double?
    package var stattestThreshold: Double?
    package var driftDetected: Bool?
    package var psi: Double?
    package var referenceSize: Int
    package var currentSize: Int
    package var uniqueCount: Int?

    enum CodingKeys: String, CodingKey {
        case columnName = "column_name"
        case columnType = "column_type"
        case status
        case stattest
        case stattestName = "stattest_name"
        case driftScore = "drift_score"
        case stattestThreshold = "stattest_threshold"
        case driftDetected = "drift_detected"
        case psi
        case referenceSize = "reference_size"
        case currentSize = "current_size"
        case uniqueCount = "n_unique"
    }

    /// A current sample with fewer rows than this (after cleaning) is `insufficient_data`.
    package static let minimumCurrentRows = 100

    /// Cleans the samples, and — when the current sample has at least `minimumCurrentRows` rows and the
    /// reference is not empty — runs the test Evidently's defaults pick, with PSI beside it.
    package init(columnName: String, samples: FeatureSamples, minimumCurrentRows: Int = FeatureDrift.minimumCurrentRows) {
        let clean = samples.cleaned()
        let (referenceSize, currentSize) = clean.counts
        self.columnName = columnName
        self.columnType = samples.columnType
        self.referenceSize = referenceSize
        self.currentSize = currentSize
        guard currentSize >= max(minimumCurrentRows, 1), referenceSize > 0, let outcome = Self.stattest(cleaned: clean) else {
            status = .insufficientData
            return
        }
        status = outcome.detected ? .drift : .noDrift
        stattest = outcome.test
        stattestName = outcome.test.displayName
        driftScore = outcome.score
        stattestThreshold = outcome.threshold
        driftDetected = outcome.detected
        psi = Self.psi(cleaned: clean)
        uniqueCount = clean.uniqueCount
    }

    /// The stattest Evidently's defaults pick and its result, whatever the sample sizes; nil when a side
    /// is empty after cleaning (where Evidently raises).
    package static func stattest(_ samples: FeatureSamples) -> StatTestOutcome? {
        stattest(cleaned: samples.cleaned())
    }

    /// PSI of the cleaned samples; nil when a side is empty.
    package static func psi(_ samples: FeatureSamples) -> Double? {
        psi(cleaned: samples.cleaned())
    }

    static func stattest(cleaned clean: CleanFeatureSamples) -> StatTestOutcome? {
        let (referenceSize, currentSize) = clean.counts
        guard referenceSize > 0, currentSize > 0 else { return nil }
        let test = DriftTest.select(columnType: clean.columnType, referenceCount: referenceSize, uniqueCount: clean.uniqueCount)
        let score: Double
        switch (test, clean) {
        case (.kolmogorovSmirnov, .numerical(let r, let c)): score = KolmogorovSmirnov.test(r, c).pValue
        case (.wasserstein, .numerical(let r, let c)): score = WassersteinDistance.normed(r, c)
        case (.chiSquare, .numerical(let r, let c)): score = ChiSquareTest.test(reference: r, current: c).pValue
        case (.chiSquare, .categorical(let r, let c)): score = ChiSquareTest.test(reference: r, current: c).pValue
        case (.proportionZ, .numerical(let r, let c)): score = ProportionZTest.test(reference: r, current: c).pValue
        case (.proportionZ, .categorical(let r, let c)): score = ProportionZTest.test(reference: r, current: c).pValue
        case (.jensenShannon, .numerical(let r, let c)): score = JensenShannonDistance.distance(reference: r, current: c)
        case (.jensenShannon, .categorical(let r, let c)): score = JensenShannonDistance.distance(reference: r, current: c)
        case (.kolmogorovSmirnov, .categorical), (.wasserstein, .categorical):
            preconditionFailure("\(test) is never selected for a categorical feature")
        }
        let threshold = test.defaultThreshold
        return StatTestOutcome(test: test, score: score, threshold: threshold, detected: test.detects(score: score, threshold: threshold))
    }

    static func psi(cleaned clean: CleanFeatureSamples) -> Double? {
        switch clean {
        case .numerical(let r, let c) where !r.isEmpty && !c.isEmpty: PopulationStabilityIndex.index(reference: r, current: c)
        case .categorical(let r, let c) where !r.isEmpty && !c.isEmpty: PopulationStabilityIndex.index(reference: r, current: c)
        default: nil
        }
    }
}
