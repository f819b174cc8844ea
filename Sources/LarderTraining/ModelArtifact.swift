public import Larder
import Foundation

/// A trained model with everything serving needs: preprocessing, parameters, options and feature list.
///
/// **Format** (version 1): UTF-8 JSON with keys sorted and no extra whitespace; doubles are written in
/// their shortest round-tripping decimal form, so decoding gives back the same bits and the same
/// training run always gives the same bytes. Top-level keys:
/// - `format` (`"larder.model"`), `version` (1), `kind` (`logisticRegression` | `linearRegression` |
///   `gradientBoostedTrees`), `features` (input feature names, in training order),
/// - `options`: the ``TrainingOptions``, `preprocessor`: the ``Preprocessor`` (encoding, per-feature
///   `mean`/`scale`/indicator statistics or `categories`, and the `outputNames` of the model inputs),
/// - `linear` (`intercept`, `weights` over the model inputs) or `ensemble` (`loss`, `baseScore`,
///   `trees` as parallel node arrays `feature`/`threshold`/`missingGoesLeft`/`left`/`right`/`value`).
///
/// Classifiers predict the probability of label 1; regressors predict the target.
///
/// ```swift
/// let bytes = try result.artifact.serialized()
/// let model = try ModelArtifact(bytes: bytes)
/// let p = try model.predict(row: ["conv_rate": .float32(0.7), "acc_rate": .null])
/// ```
public struct ModelArtifact: Sendable, Codable, Equatable {
    /// The model family, stored as `"kind": "logisticRegression"` in the JSON.
    public enum Kind: String, Sendable, Codable {
        case logisticRegression
        case linearRegression
        case gradientBoostedTrees
    }

    public static let currentVersion = 1

    // Read-only outside the module: every artifact was validated once (init or decoding), so
    // prediction can rely on its parts fitting together.

    public internal(set) var format: String
    public internal(set) var version: Int
    public internal(set) var kind: Kind
    public internal(set) var features: [String]
    public internal(set) var options: TrainingOptions
    public internal(set) var preprocessor: Preprocessor
    public internal(set) var linear: LinearModel?
    public internal(set) var ensemble: TreeEnsemble?

    /// Assembles an artifact and checks that its parts fit together (parameters match the inputs).
    public init(kind: Kind, features: [String], options: TrainingOptions, preprocessor: Preprocessor,
                linear: LinearModel? = nil, ensemble: TreeEnsemble? = nil) throws(TrainingError) {
        self.format = "larder.model"
        self.version = Self.currentVersion
        self.kind = kind
        self.features = features
        self.options = options
        self.preprocessor = preprocessor
        self.linear = linear
        self.ensemble = ensemble
        try validate()
    }

    /// Reads and checks an artifact written by ``serialized()``.
    public init(bytes: [UInt8]) throws(TrainingError) {
        let decoded: ModelArtifact
        do {
            decoded = try JSONDecoder().decode(ModelArtifact.self, from: Data(bytes))
        } catch {
            throw .invalidArtifact("\(error)")
        }
        try decoded.validate()
        self = decoded
    }

    /// The deterministic bytes of the artifact (see the format above).
    public func serialized() throws(TrainingError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(self))
        } catch {
            throw .invalidArtifact("cannot encode: \(error)")
        }
    }

    public var isClassifier: Bool { options.model.isClassifier }

    func validate() throws(TrainingError) {
        guard format == "larder.model" else { throw .invalidArtifact("format is \"\(format)\", expected \"larder.model\"") }
        guard version == Self.currentVersion else {
            throw .invalidArtifact("version \(version) is not supported (this build reads \(Self.currentVersion))")
        }
        let optionsKind: Kind = switch options.model {
        case .logisticRegression: .logisticRegression
        case .linearRegression: .linearRegression
        case .gradientBoostedTrees: .gradientBoostedTrees
        }
        guard optionsKind == kind else { throw .invalidArtifact("kind \(kind) does not match the options (\(optionsKind))") }
        guard features == preprocessor.features.map(\.name) else {
            throw .invalidArtifact("the feature list does not match the preprocessor's features")
        }
        let width = preprocessor.outputWidth
        guard preprocessor.features.reduce(0, { $0 + $1.width(preprocessor.encoding) }) == width else {
            throw .invalidArtifact("the preprocessor's output names do not match its features")
        }
        switch kind {
        case .logisticRegression, .linearRegression:
            guard let linear, linear.weights.count == width, preprocessor.encoding == .standardized else {
                throw .invalidArtifact("a linear model needs \(width) weights over standardized inputs")
            }
        case .gradientBoostedTrees:
            guard let ensemble, preprocessor.encoding == .raw, ensemble.loss == (isClassifier ? .logLoss : .squaredError) else {
                throw .invalidArtifact("a tree model needs an ensemble over raw inputs whose loss matches its options")
            }
            for tree in ensemble.trees { try tree.validate(inputCount: width) }
        }
    }

    /// The model's output for preprocessed inputs: a probability for classifiers, else the prediction.
    @inline(__always)
    func output(_ x: UnsafePointer<Double>) -> Double {
        let score = linear?.score(x) ?? ensemble!.score(x)
        return isClassifier ? sigmoid(score) : score
    }

    /// Predicts one serving row; absent or null features get the stored imputation.
    public func predict(row: [String: Value]) throws(TrainingError) -> Double {
        let x = try preprocessor.transform(row: row)
        return x.withUnsafeBufferPointer { output($0.baseAddress!) }
    }

    public func predict(rows: [[String: Value]]) throws(TrainingError) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(rows.count)
        for row in rows { out.append(try predict(row: row)) }
        return out
    }

    /// Predicts every row of a batch; bit-identical to ``predict(row:)`` on the same values.
    public func predict(_ data: TrainingData) throws(TrainingError) -> [Double] {
        let x = try preprocessor.transform(data)
        var scores = linear?.scores(x) ?? ensemble!.scores(x)
        if isClassifier {
            for r in scores.indices { scores[r] = sigmoid(scores[r]) }
        }
        return scores
    }
}
