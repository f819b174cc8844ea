/// The columns a model is trained on: named features, one label per row and each row's event time.
///
/// Numeric columns keep values and validity apart (no optional boxing); a value that is not finite is
/// treated as missing, exactly as a null is, both here and when serving.
///
/// ```swift
/// let data = try TrainingData(
///     features: [
///         .numeric("conv_rate", [0.4, 0.9, nil]),
///         .categorical("city", ["Lyon", nil, "Paris"]),
///     ],
///     labels: [0, 1, 1],
///     eventTimes: [1_000, 2_000, 3_000])
/// ```
public struct TrainingData: Sendable {
    public private(set) var features: [FeatureColumn]
    /// One label per row: 0/1 for classification, any finite number for regression.
    public private(set) var labels: [Double]
    /// One event time per row, microseconds since the epoch (UTC).
    public private(set) var eventTimes: [Int64]

    public var rowCount: Int { labels.count }
    public var featureNames: [String] { features.map(\.name) }

    /// Checks that every column has one value per row, names are unique and labels are finite.
    public init(features: [FeatureColumn], labels: [Double], eventTimes: [Int64]) throws(TrainingError) {
        var seen = Set<String>()
        for feature in features {
            guard seen.insert(feature.name).inserted else { throw .duplicateFeature(feature.name) }
            guard feature.count == labels.count else {
                throw .lengthMismatch(feature: feature.name, expected: labels.count, actual: feature.count)
            }
            if case .numeric(_, let isValid) = feature.storage, isValid.count != labels.count {
                throw .lengthMismatch(feature: feature.name + " (validity flags)", expected: labels.count, actual: isValid.count)
            }
        }
        guard eventTimes.count == labels.count else {
            throw .lengthMismatch(feature: "event_timestamp", expected: labels.count, actual: eventTimes.count)
        }
        for (row, label) in labels.enumerated() where !label.isFinite {
            throw .nonFiniteLabel(row: row, value: label)
        }
        self.features = features
        self.labels = labels
        self.eventTimes = eventTimes
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> TrainingData {
        var copy = self
        copy.features = features.map { $0.rows(indices) }
        copy.labels = gather(labels, indices)
        copy.eventTimes = gather(eventTimes, indices)
        return copy
    }
}

/// `values[indices[i]]` for every `i`, without per-element closure calls.
func gather<T>(_ values: [T], _ indices: [Int]) -> [T] {
    values.withUnsafeBufferPointer { source in
        [T](unsafeUninitializedCapacity: indices.count) { out, count in
            for (i, index) in indices.enumerated() {
                precondition(index >= 0 && index < source.count, "row index \(index) is out of range")
                (out.baseAddress! + i).initialize(to: source[index])
            }
            count = indices.count
        }
    }
}

/// One named feature column of ``TrainingData``.
///
/// ```swift
/// let rate = FeatureColumn.numeric("conv_rate", [0.4, nil, 0.7])
/// let city = FeatureColumn.categorical("city", ["Lyon", nil, "Paris"])
/// ```
public struct FeatureColumn: Sendable {
    public var name: String
    public var storage: Storage

    /// Numeric values with a validity flag per row, or optional strings.
    public enum Storage: Sendable {
        /// `values[i]` counts only when `isValid[i]` is true and the value is finite.
        case numeric(values: [Double], isValid: [Bool])
        case categorical([String?])
    }

    public init(name: String, storage: Storage) {
        self.name = name
        self.storage = storage
    }

    /// A numeric column; `nil` is a missing value.
    public static func numeric(_ name: String, _ values: [Double?]) -> FeatureColumn {
        FeatureColumn(name: name, storage: .numeric(values: values.map { $0 ?? 0 }, isValid: values.map { $0 != nil }))
    }

    /// A numeric column from values and validity flags (the columnar form readers produce).
    public static func numeric(_ name: String, values: [Double], isValid: [Bool]) -> FeatureColumn {
        FeatureColumn(name: name, storage: .numeric(values: values, isValid: isValid))
    }

    /// A string column; `nil` is a missing value.
    public static func categorical(_ name: String, _ values: [String?]) -> FeatureColumn {
        FeatureColumn(name: name, storage: .categorical(values))
    }

    public var count: Int {
        switch storage {
        case .numeric(let values, _): values.count
        case .categorical(let values): values.count
        }
    }

    public var isCategorical: Bool {
        if case .categorical = storage { true } else { false }
    }

    func rows(_ indices: [Int]) -> FeatureColumn {
        switch storage {
        case .numeric(let values, let isValid):
            FeatureColumn(name: name, storage: .numeric(values: gather(values, indices), isValid: gather(isValid, indices)))
        case .categorical(let values):
            FeatureColumn(name: name, storage: .categorical(gather(values, indices)))
        }
    }
}
