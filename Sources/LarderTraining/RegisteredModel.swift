public import Larder
public import LarderRegistry

/// One version of a model in the ``ModelRegistry``: what it was trained on (lineage), how, how well it
/// did, where its artifact is and whether it serves production traffic.
///
/// ```swift
/// let model = try registry.resolve(ModelReference(parsing: "trip_completed@2"))
/// print(model.name, model.version, model.snapshot, model.metrics["auc"] ?? .nan)
/// ```
public struct RegisteredModel: Sendable, Equatable, Codable {
    /// Where a version stands; at most one version per name is ``production``.
    public enum Stage: String, Sendable, Codable, CaseIterable {
        /// Registered, not serving.
        case none
        /// Served by `POST /predict {"model": "NAME"}` and `larder predict --model NAME`.
        case production
        /// Was production once, replaced by a later promotion.
        case archived
    }

    public var name: String
    /// 1, 2, 3, ... per name, in registration order.
    public var version: Int
    public var kind: ModelArtifact.Kind
    /// The snapshot column the model predicts.
    public var label: String
    /// Lineage: the snapshot, its content hash, and the registry version its features were defined in.
    public var snapshot: String
    public var snapshotHash: String
    public var registryVersion: Int64
    /// The model's inputs in training order, each with the online feature it is looked up from.
    public var features: [ModelFeature]
    public var options: TrainingOptions
    /// Validation metrics (`auc`, `log_loss`, `accuracy`, `brier` or `rmse`, `mae`, `r2`) and the same
    /// metrics of the baseline (a constant prior rate or mean).
    public var metrics: [String: Double]
    public var baseline: [String: Double]
    public var trainRows: Int
    public var validationRows: Int
    /// SHA-256 (hex) of the artifact file's bytes, checked on every load.
    public var artifactSHA256: String
    /// The artifact file, relative to the state directory: `models/<name>/v<version>.json`.
    public var artifactPath: String
    public var createdAt: Timestamp
    public var stage: Stage

    /// `name@version`, the form `larder models show` and `POST /predict` accept.
    public var reference: String { "\(name)@\(version)" }

    /// The metric names of a task, in display order.
    public static func metricNames(classifier: Bool) -> [String] {
        classifier ? ["auc", "log_loss", "accuracy", "brier"] : ["rmse", "mae", "r2"]
    }

    /// The metrics of an ``Evaluation`` as `(model, baseline)` dictionaries; an undefined AUC (one class
    /// only in validation) is left out rather than stored as NaN, which JSON cannot hold.
    public static func metrics(of evaluation: Evaluation) -> (model: [String: Double], baseline: [String: Double]) {
        func classification(_ m: ClassificationMetrics) -> [String: Double] {
            var out = ["log_loss": m.logLoss, "accuracy": m.accuracy, "brier": m.brier, "positive_rate": m.positiveRate]
            if let auc = m.auc { out["auc"] = auc }
            return out
        }
        func regression(_ m: RegressionMetrics) -> [String: Double] { ["rmse": m.rmse, "mae": m.mae, "r2": m.r2] }
        switch evaluation {
        case .classification(let model, let baseline): return (classification(model), classification(baseline))
        case .regression(let model, let baseline): return (regression(model), regression(baseline))
        }
    }
}

/// One input of a registered model: the snapshot column it was trained on and the `view:feature` it
/// is looked up from online, so serving reads exactly what training read.
///
/// ```swift
/// ModelFeature(name: "conv_rate", reference: FeatureReference(view: "driver_stats", feature: "conv_rate"))
/// ```
public struct ModelFeature: Sendable, Equatable, Codable {
    /// The column name in the snapshot and in the artifact's feature list.
    public var name: String
    public var reference: FeatureReference

    public init(name: String, reference: FeatureReference) {
        self.name = name
        self.reference = reference
    }
}

/// `NAME` (the production version) or `NAME@VERSION` (one exact version).
///
/// ```swift
/// let exact = try ModelReference(parsing: "trip_completed@3")   // version 3
/// let production = try ModelReference(parsing: "trip_completed") // version nil
/// ```
public struct ModelReference: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    /// `nil` means the production version.
    public var version: Int?

    public init(name: String, version: Int? = nil) {
        self.name = name
        self.version = version
    }

    public init(parsing text: String) throws(ModelRegistryError) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard !parts[0].isEmpty else { throw .invalidReference(text) }
        if parts.count == 2 {
            let digits = parts[1].hasPrefix("v") ? String(parts[1].dropFirst()) : parts[1]
            guard let version = Int(digits), version >= 1 else { throw .invalidReference(text) }
            self.init(name: parts[0], version: version)
        } else {
            self.init(name: parts[0])
        }
    }

    public var description: String { version.map { "\(name)@\($0)" } ?? name }
}

/// Why a model registry operation failed; every case says what to do about it.
///
/// ```swift
/// do { _ = try registry.resolve(ModelReference(name: "churn")) }
/// catch { print(error) }   // "model churn has no production version; promote one: larder models promote churn@VERSION"
/// ```
public enum ModelRegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)
    case invalidReference(String)
    case unknownModel(String)
    case unknownVersion(name: String, version: Int, latest: Int)
    case noProductionVersion(String)
    /// The artifact file's bytes no longer hash to what was registered.
    case artifactModified(path: String, expected: String, actual: String)
    case artifactUnreadable(path: String, detail: String)
    /// A registration's feature lineage does not list the artifact's features in order.
    case lineageMismatch(name: String, lineage: [String], artifact: [String])
    /// A stored row could not be decoded (hand-edited or from a newer larder).
    case corruptEntry(name: String, version: Int, detail: String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "model name \"\(name)\" is not valid: use letters, digits, _, - and . (not starting with .), e.g. trip_completed"
        case .invalidReference(let text):
            "\"\(text)\" is not a model reference: write NAME for the production version or NAME@VERSION, e.g. trip_completed@2"
        case .unknownModel(let name):
            "no model named \(name); `larder models list` shows the registered ones, `larder train` registers one"
        case .unknownVersion(let name, let version, let latest):
            "model \(name) has no version \(version); its versions are 1 to \(latest)"
        case .noProductionVersion(let name):
            "model \(name) has no production version; promote one with `larder models promote \(name)@VERSION`, or name a version (\(name)@VERSION)"
        case .artifactModified(let path, let expected, let actual):
            "the artifact \(path) was modified after registration (sha256 \(actual.prefix(12)), registered \(expected.prefix(12))); re-train the model"
        case .artifactUnreadable(let path, let detail):
            "cannot read the artifact \(path): \(detail); re-train the model or restore the file"
        case .lineageMismatch(let name, let lineage, let artifact):
            "model \(name)'s lineage names the features \(lineage.joined(separator: ", ")) but its artifact takes \(artifact.joined(separator: ", ")); register the features the artifact was trained on, in order"
        case .corruptEntry(let name, let version, let detail):
            "the registry entry of \(name)@\(version) cannot be read (\(detail)); it was edited by hand or written by a newer larder"
        }
    }
}
