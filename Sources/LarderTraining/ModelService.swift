public import Larder
public import LarderOffline
public import LarderRegistry
import LarderColumnar

/// The model families `larder train --model` offers.
///
/// ```swift
/// let model = ModelFamily.gbt.model(labels: [0, 1, 1])   // .gradientBoostedTrees(loss: .logLoss)
/// ```
public enum ModelFamily: String, Sendable, CaseIterable {
    /// L2-regularized logistic regression (Newton), for a 0/1 label.
    case logistic
    /// Ridge regression, for a numeric label.
    case linear
    /// Histogram gradient-boosted trees: log loss for a 0/1 label, squared error otherwise.
    case gbt

    /// The model options, with overrides where given; `gbt` picks its loss from the labels.
    public func model(labels: [Double], l2: Double? = nil, iterations: Int? = nil, learningRate: Double? = nil,
                      earlyStopping: Bool = true) -> TrainingOptions.Model {
        switch self {
        case .logistic:
            var o = LogisticRegressionOptions()
            if let l2 { o.l2 = l2 }
            if let iterations { o.maxIterations = iterations }
            return .logisticRegression(o)
        case .linear:
            return .linearRegression(LinearRegressionOptions(l2: l2 ?? 1))
        case .gbt:
            let binary = labels.allSatisfy { $0 == 0 || $0 == 1 }
            var o = GradientBoostingOptions(loss: binary ? .logLoss : .squaredError)
            if let l2 { o.l2 = l2 }
            if let iterations { o.maxIterations = iterations }
            if let learningRate { o.learningRate = learningRate }
            o.earlyStopping = earlyStopping
            return .gradientBoostedTrees(o)
        }
    }
}

/// Trains a model on a saved snapshot and registers it: snapshot → ``SnapshotTrainingData`` →
/// ``ModelTrainer`` → ``ModelRegistry``. Synchronous and CPU-bound (reads Parquet, fits): call it from a
/// command-line thread or a dedicated thread, never from an event loop.
///
/// ```swift
/// let service = try ModelService(home: ".larder", database: registry.database)
/// let outcome = try service.train(.init(snapshot: "rides_demo", label: "trip_completed", family: .logistic))
/// print(outcome.model.reference, outcome.model.metrics["auc"] ?? .nan)
/// ```
public struct ModelService: Sendable {
    public let snapshots: SnapshotStore
    public let registry: ModelRegistry

    public init(home: String, database: SQLiteDatabase) throws {
        snapshots = try SnapshotStore(home: home, database: database)
        registry = try ModelRegistry(home: home, database: database)
    }

    /// What to train.
    public struct Request: Sendable {
        public var snapshot: String
        public var label: String
        /// Snapshot feature columns to use; `nil` for all of them.
        public var features: [String]?
        public var family: ModelFamily
        /// The model's name; the label's name when `nil`.
        public var name: String?
        public var validationFraction: Double
        public var seed: UInt64
        public var l2: Double?
        public var iterations: Int?
        public var learningRate: Double?
        public var earlyStopping: Bool

        public init(snapshot: String, label: String, features: [String]? = nil, family: ModelFamily = .logistic, name: String? = nil,
                    validationFraction: Double = 0.2, seed: UInt64 = 0, l2: Double? = nil, iterations: Int? = nil,
                    learningRate: Double? = nil, earlyStopping: Bool = true) {
            self.snapshot = snapshot
            self.label = label
            self.features = features
            self.family = family
            self.name = name
            self.validationFraction = validationFraction
            self.seed = seed
            self.l2 = l2
            self.iterations = iterations
            self.learningRate = learningRate
            self.earlyStopping = earlyStopping
        }
    }

    /// The registered model with the full training result.
    public struct Outcome: Sendable {
        public var model: RegisteredModel
        public var result: TrainingResult
        /// Snapshot rows left out because their label was null.
        public var droppedRows: Int
    }

    /// Reads the snapshot (checking its hash), trains, evaluates and registers the next version.
    /// - Parameter progress: called with a short line before each stage.
    public func train(_ request: Request, now: Timestamp = .now(), progress: (String) -> Void = { _ in }) throws -> Outcome {
        let name = request.name ?? request.label
        guard ModelRegistry.isValidName(name) else { throw ModelRegistryError.invalidName(name) }
        progress("reading snapshot \(request.snapshot)")
        let (snapshot, batch) = try snapshots.read(request.snapshot)
        progress("preparing \(batch.rowCount) rows")
        let input = try SnapshotTrainingData(batch: batch, lineage: snapshot.features, label: request.label, features: request.features)
        let options = TrainingOptions(
            model: request.family.model(labels: input.data.labels, l2: request.l2, iterations: request.iterations,
                                        learningRate: request.learningRate, earlyStopping: request.earlyStopping),
            validationFraction: request.validationFraction, seed: request.seed)
        progress("training \(request.family.rawValue) on \(input.features.count) features")
        let result = try ModelTrainer.train(input.data, options: options)
        progress("registering \(name)")
        let model = try registry.register(ModelRegistry.Registration(
            name: name, label: request.label, snapshot: snapshot.name, snapshotHash: snapshot.contentHash,
            registryVersion: snapshot.registryVersion, features: input.features, artifact: result.artifact,
            evaluation: result.evaluation, trainRows: result.trainRows, validationRows: result.validationRows), now: now)
        return Outcome(model: model, result: result, droppedRows: input.droppedRows)
    }
}
