/// What to train and how to split and encode: the input of ``ModelTrainer/train(_:options:)``.
///
/// ```swift
/// let options = TrainingOptions(model: .logisticRegression(.init(l2: 1)), validationFraction: 0.2, seed: 7)
/// ```
public struct TrainingOptions: Sendable, Codable, Equatable {
    /// The model family and its options.
    public enum Model: Sendable, Codable, Equatable {
        case logisticRegression(LogisticRegressionOptions)
        case linearRegression(LinearRegressionOptions)
        case gradientBoostedTrees(GradientBoostingOptions)

        private enum CodingKeys: String, CodingKey {
            case logisticRegression, linearRegression, gradientBoostedTrees
        }

        /// JSON form: one key naming the family, holding its options, e.g. `{"linearRegression":{"l2":1}}`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let o = try c.decodeIfPresent(LogisticRegressionOptions.self, forKey: .logisticRegression) {
                self = .logisticRegression(o)
            } else if let o = try c.decodeIfPresent(LinearRegressionOptions.self, forKey: .linearRegression) {
                self = .linearRegression(o)
            } else if let o = try c.decodeIfPresent(GradientBoostingOptions.self, forKey: .gradientBoostedTrees) {
                self = .gradientBoostedTrees(o)
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                    debugDescription: "expected one of logisticRegression, linearRegression, gradientBoostedTrees"))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .logisticRegression(let o): try c.encode(o, forKey: .logisticRegression)
            case .linearRegression(let o): try c.encode(o, forKey: .linearRegression)
            case .gradientBoostedTrees(let o): try c.encode(o, forKey: .gradientBoostedTrees)
            }
        }

        public var isClassifier: Bool {
            switch self {
            case .logisticRegression: true
            case .linearRegression: false
            case .gradientBoostedTrees(let o): o.loss == .logLoss
            }
        }
    }

    public var model: Model
    /// The latest share of rows by event time that validates (never a random sample).
    public var validationFraction: Double
    /// Seeds every random choice (the binning sample of trees); same data + options + seed → same bytes.
    public var seed: UInt64
    /// How many of the most frequent categories of a string feature get their own input.
    public var maxCategories: Int

    public init(model: Model, validationFraction: Double = 0.2, seed: UInt64 = 0, maxCategories: Int = 32) {
        self.model = model
        self.validationFraction = validationFraction
        self.seed = seed
        self.maxCategories = maxCategories
    }
}
