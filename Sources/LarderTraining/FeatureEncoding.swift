/// What ``Preprocessor`` learned about one feature on the training part, and how it encodes a value.
///
/// Numeric: `mean` (also the imputation value), `scale` (population standard deviation of the imputed
/// column, 1 when constant) and, when the training part had missing values, the standardization of
/// the missing indicator. Categorical: the kept categories, most frequent first (ties by name).
///
/// ```swift
/// let enc = FeatureEncoding.fit(.numeric("x", [1, 3, nil]), encoding: .standardized, maxCategories: 32)
/// enc.mean            // 2
/// enc.hasIndicator    // true
/// ```
public struct FeatureEncoding: Sendable, Codable, Equatable {
    /// Whether the feature was numeric or a string column in training, e.g. `.numeric` for `conv_rate`.
    public enum Kind: String, Sendable, Codable {
        case numeric
        case categorical
    }

    public var name: String
    public var kind: Kind
    /// Numeric: training mean of present values, used to impute missing ones.
    public var mean: Double
    /// Numeric: divisor of standardization.
    public var scale: Double
    /// Numeric: whether a missing-indicator column follows; the training part had missing values.
    public var hasIndicator: Bool
    /// Numeric: mean and scale that standardize the 0/1 indicator.
    public var indicatorMean: Double
    public var indicatorScale: Double
    /// Categorical: kept categories; their position is their one-hot column or ordinal code.
    public var categories: [String]
    /// Categorical: whether the training part had nulls (then a "missing" one-hot column exists).
    public var hasMissingCategory: Bool

    private var categoryIndex: [String: Int]

    private enum CodingKeys: String, CodingKey {
        case name, kind, mean, scale, hasIndicator, indicatorMean, indicatorScale, categories, hasMissingCategory
    }

    init(name: String, kind: Kind, mean: Double = 0, scale: Double = 1, hasIndicator: Bool = false,
         indicatorMean: Double = 0, indicatorScale: Double = 1, categories: [String] = [], hasMissingCategory: Bool = false) {
        self.name = name
        self.kind = kind
        self.mean = mean
        self.scale = scale
        self.hasIndicator = hasIndicator
        self.indicatorMean = indicatorMean
        self.indicatorScale = indicatorScale
        self.categories = categories
        self.hasMissingCategory = hasMissingCategory
        self.categoryIndex = Self.index(categories)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), kind: try c.decode(Kind.self, forKey: .kind),
                  mean: try c.decode(Double.self, forKey: .mean), scale: try c.decode(Double.self, forKey: .scale),
                  hasIndicator: try c.decode(Bool.self, forKey: .hasIndicator),
                  indicatorMean: try c.decode(Double.self, forKey: .indicatorMean),
                  indicatorScale: try c.decode(Double.self, forKey: .indicatorScale),
                  categories: try c.decode([String].self, forKey: .categories),
                  hasMissingCategory: try c.decode(Bool.self, forKey: .hasMissingCategory))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(mean, forKey: .mean)
        try c.encode(scale, forKey: .scale)
        try c.encode(hasIndicator, forKey: .hasIndicator)
        try c.encode(indicatorMean, forKey: .indicatorMean)
        try c.encode(indicatorScale, forKey: .indicatorScale)
        try c.encode(categories, forKey: .categories)
        try c.encode(hasMissingCategory, forKey: .hasMissingCategory)
    }

    private static func index(_ categories: [String]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (i, c) in categories.enumerated() { index[c] = i }
        return index
    }

    /// Learns the statistics of one training column.
    public static func fit(_ column: FeatureColumn, encoding: Preprocessor.Encoding, maxCategories: Int) -> FeatureEncoding {
        switch column.storage {
        case .numeric(let values, let isValid):
            var sum = 0.0
            var present = 0
            for i in values.indices where isValid[i] && values[i].isFinite {
                sum += values[i]
                present += 1
            }
            let n = values.count
            let mean = present > 0 ? sum / Double(present) : 0
            // Variance of the mean-imputed column (imputed rows add 0), as impute-then-scale pipelines see it.
            var squares = 0.0
            for i in values.indices where isValid[i] && values[i].isFinite {
                let d = values[i] - mean
                squares += d * d
            }
            let std = n > 0 ? (squares / Double(n)).squareRoot() : 0
            let missing = n - present
            var indicatorMean = 0.0, indicatorScale = 1.0
            if missing > 0 {
                let p = Double(missing) / Double(n)
                let s = (p * (1 - p)).squareRoot()
                indicatorMean = p
                indicatorScale = s > 0 ? s : 1
            }
            return FeatureEncoding(name: column.name, kind: .numeric, mean: mean, scale: std > 0 ? std : 1,
                                   hasIndicator: missing > 0, indicatorMean: indicatorMean, indicatorScale: indicatorScale)
        case .categorical(let values):
            var counts: [String: Int] = [:]
            var nulls = 0
            for v in values {
                if let v { counts[v, default: 0] += 1 } else { nulls += 1 }
            }
            let ranked = counts.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }
            return FeatureEncoding(name: column.name, kind: .categorical,
                                   categories: ranked.prefix(maxCategories).map(\.key), hasMissingCategory: nulls > 0)
        }
    }

    /// How many model input columns this feature produces.
    public func width(_ encoding: Preprocessor.Encoding) -> Int {
        switch (kind, encoding) {
        case (_, .raw): 1
        case (.numeric, .standardized): hasIndicator ? 2 : 1
        case (.categorical, .standardized): categories.count + 1 + (hasMissingCategory ? 1 : 0)
        }
    }

    func outputNames(_ encoding: Preprocessor.Encoding) -> [String] {
        switch (kind, encoding) {
        case (_, .raw): [name]
        case (.numeric, .standardized): hasIndicator ? [name, name + "__missing"] : [name]
        case (.categorical, .standardized):
            categories.map { "\(name)=\($0)" } + [name + "__other"] + (hasMissingCategory ? [name + "__missing"] : [])
        }
    }

    /// The single encoder of a numeric value, shared by serving and batch transforms.
    @inline(__always)
    func encodeNumeric(_ value: Double, present: Bool, encoding: Preprocessor.Encoding, into out: UnsafeMutablePointer<Double>) {
        let isPresent = present && value.isFinite
        switch encoding {
        case .raw:
            out[0] = isPresent ? value : .nan
        case .standardized:
            out[0] = ((isPresent ? value : mean) - mean) / scale
            if hasIndicator {
                out[1] = ((isPresent ? 0 : 1) - indicatorMean) / indicatorScale
            }
        }
    }

    /// The single encoder of a category, shared by serving and batch transforms.
    @inline(__always)
    func encodeCategory(_ value: String?, encoding: Preprocessor.Encoding, into out: UnsafeMutablePointer<Double>) {
        let code: Int? = value.map { categoryIndex[$0] ?? categories.count }
        switch encoding {
        case .raw:
            out[0] = code.map(Double.init) ?? .nan
        case .standardized:
            let width = self.width(.standardized)
            for k in 0..<width { out[k] = 0 }
            if let code {
                out[code] = 1
            } else if hasMissingCategory {
                out[width - 1] = 1
            } else {
                out[categories.count] = 1   // null never seen in training: treat like an unseen category
            }
        }
    }
}
