public import Larder

/// Turns feature values into model inputs with statistics learned on the training part only.
///
/// Two encodings:
/// - ``Encoding/standardized`` (linear models): a numeric feature becomes `(x - mean) / std`, a missing
///   value is imputed with the training mean (so it becomes 0), and when the training part had missing
///   values an indicator column (1 = missing, itself standardized) follows it. A string feature becomes
///   one-hot columns for its most frequent training categories, one "other" column (rare and unseen
///   categories) and, when the training part had nulls, a "missing" column.
/// - ``Encoding/raw`` (trees): a numeric feature passes through with NaN for missing; a string feature
///   becomes its category's frequency rank (unseen = number of kept categories, null = NaN).
///
/// Serving (``transform(row:)``) and batch (``transform(_:)``) call the same per-value encoder, so the
/// same values give bit-identical inputs offline and online.
///
/// ```swift
/// let pre = Preprocessor.fit(split.train, encoding: .standardized)
/// let x = try pre.transform(row: ["conv_rate": .float32(0.5), "city": .string("Lyon")])
/// ```
public struct Preprocessor: Sendable, Codable, Equatable {
    /// How features become model inputs.
    public enum Encoding: String, Sendable, Codable {
        case standardized
        case raw
    }

    public var encoding: Encoding
    public var features: [FeatureEncoding]
    /// The name of every model input column, in order (`conv_rate`, `conv_rate__missing`, `city=Lyon`, ...).
    public var outputNames: [String]

    public var outputWidth: Int { outputNames.count }

    /// Learns the encoding of every feature of `train`.
    /// - Parameter maxCategories: how many of the most frequent categories of a string feature are kept
    ///   (at most 254 for trees, whose bins must fit a byte).
    public static func fit(_ train: TrainingData, encoding: Encoding, maxCategories: Int = 32) -> Preprocessor {
        let cap = encoding == .raw ? min(maxCategories, 254) : maxCategories
        let encodings = train.features.map { FeatureEncoding.fit($0, encoding: encoding, maxCategories: cap) }
        return Preprocessor(encoding: encoding, features: encodings, outputNames: encodings.flatMap { $0.outputNames(encoding) })
    }

    /// Encodes one serving row. Absent keys and nulls are missing values and get the stored imputation.
    public func transform(row: [String: Value]) throws(TrainingError) -> [Double] {
        var out = [Double](repeating: 0, count: outputWidth)
        try out.withUnsafeMutableBufferPointer { (buffer) throws(TrainingError) in
            var offset = 0
            for feature in features {
                let value = row[feature.name] ?? .null
                if feature.kind == .numeric {
                    let present: Bool
                    let x: Double
                    if value.isNull {
                        (present, x) = (false, 0)
                    } else if let d = value.doubleValue {
                        (present, x) = (true, d)
                    } else {
                        throw .typeMismatch(feature: feature.name, expected: "numeric", actual: value.type ?? .float64)
                    }
                    feature.encodeNumeric(x, present: present, encoding: encoding, into: buffer.baseAddress! + offset)
                } else {
                    let category: String?
                    switch value {
                    case .null: category = nil
                    case .string(let s): category = s
                    default: throw .typeMismatch(feature: feature.name, expected: "string", actual: value.type ?? .string)
                    }
                    feature.encodeCategory(category, encoding: encoding, into: buffer.baseAddress! + offset)
                }
                offset += feature.width(encoding)
            }
        }
        return out
    }

    /// Encodes every row of `data` (matched to the trained features by name) into a row-major matrix.
    public func transform(_ data: TrainingData) throws(TrainingError) -> DenseMatrix {
        let n = data.rowCount
        let width = outputWidth
        var byName: [String: FeatureColumn] = [:]
        for column in data.features { byName[column.name] = column }
        var matrix = DenseMatrix(rows: n, columns: width)
        var offset = 0
        for feature in features {
            let column = byName[feature.name]
            try matrix.values.withUnsafeMutableBufferPointer { (out) throws(TrainingError) in
                let base = out.baseAddress! + offset
                switch column?.storage {
                case nil:
                    // A feature absent from the batch is missing in every row, as an absent key is when serving.
                    for r in 0..<n {
                        if feature.kind == .numeric {
                            feature.encodeNumeric(0, present: false, encoding: encoding, into: base + r * width)
                        } else {
                            feature.encodeCategory(nil, encoding: encoding, into: base + r * width)
                        }
                    }
                case .numeric(let values, let isValid)?:
                    guard feature.kind == .numeric else {
                        throw .typeMismatch(feature: feature.name, expected: "string", actual: .float64)
                    }
                    // Rows are independent and each chunk writes its own rows: parallel and deterministic.
                    values.withUnsafeBufferPointer { v in
                        isValid.withUnsafeBufferPointer { valid in
                            ParallelChunks(count: n).run { _, rows in
                                for r in rows {
                                    feature.encodeNumeric(v[r], present: valid[r], encoding: encoding, into: base + r * width)
                                }
                            }
                        }
                    }
                case .categorical(let values)?:
                    guard feature.kind == .categorical else {
                        throw .typeMismatch(feature: feature.name, expected: "numeric", actual: .string)
                    }
                    for r in 0..<n {
                        feature.encodeCategory(values[r], encoding: encoding, into: base + r * width)
                    }
                }
            }
            offset += feature.width(encoding)
        }
        return matrix
    }
}
