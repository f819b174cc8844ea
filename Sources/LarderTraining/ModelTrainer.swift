/// Validation metrics of a trained model beside those of its baseline (a constant prediction of the
/// training prior rate or mean), so a useless model shows as useless.
///
/// ```swift
/// if case .classification(let model, let baseline) = result.evaluation {
///     print(model.auc ?? .nan, baseline.logLoss)
/// }
/// ```
public enum Evaluation: Sendable, Codable, Equatable {
    case classification(model: ClassificationMetrics, baseline: ClassificationMetrics)
    case regression(model: RegressionMetrics, baseline: RegressionMetrics)
}

/// The outcome of ``ModelTrainer/train(_:options:)``.
///
/// ```swift
/// let result = try ModelTrainer.train(data, options: options)
/// try result.artifact.serialized()
/// ```
public struct TrainingResult: Sendable {
    public var artifact: ModelArtifact
    public var evaluation: Evaluation
    public var trainRows: Int
    public var validationRows: Int
    /// Validation predictions, in the row order of ``TimeSplit/validationRows`` (ascending row index).
    public var validationPredictions: [Double]
    /// Boosting only: validation loss after each round.
    public var validationLosses: [Double]
}

/// Trains a model end to end: time split, preprocessing learned on the training part, fit, and
/// validation metrics beside a baseline. CPU-bound and synchronous: run it on a thread of its own.
///
/// ```swift
/// let result = try ModelTrainer.train(data, options: TrainingOptions(model: .gradientBoostedTrees(.init(loss: .logLoss)), seed: 1))
/// ```
public enum ModelTrainer {
    public static func train(_ data: TrainingData, options: TrainingOptions) throws(TrainingError) -> TrainingResult {
        guard options.maxCategories >= 1 else {
            throw .invalidOption(name: "maxCategories", value: "\(options.maxCategories)", expected: "at least 1")
        }
        guard !data.features.isEmpty else {
            throw .invalidOption(name: "features", value: "none", expected: "at least one feature column")
        }
        let split = try TimeSplit.split(data, validationFraction: options.validationFraction)
        let train = split.train, validation = split.validation
        let classifier = options.model.isClassifier
        if classifier {
            for (i, y) in data.labels.enumerated() where y != 0 && y != 1 { throw .labelNotBinary(row: i, value: y) }
            let positives = train.labels.reduce(0, +)
            if positives == 0 || positives == Double(train.rowCount) { throw .singleClass(label: train.labels[0]) }
        }
        let artifact: ModelArtifact
        var losses: [Double] = []
        switch options.model {
        case .logisticRegression(let o):
            let pre = Preprocessor.fit(train, encoding: .standardized, maxCategories: options.maxCategories)
            let fit = try LogisticRegression.fit(try pre.transform(train), labels: train.labels, options: o)
            artifact = try ModelArtifact(kind: .logisticRegression, features: data.featureNames, options: options, preprocessor: pre, linear: fit.model)
        case .linearRegression(let o):
            let pre = Preprocessor.fit(train, encoding: .standardized, maxCategories: options.maxCategories)
            let model = try LinearRegression.fit(try pre.transform(train), targets: train.labels, options: o)
            artifact = try ModelArtifact(kind: .linearRegression, features: data.featureNames, options: options, preprocessor: pre, linear: model)
        case .gradientBoostedTrees(let o):
            let pre = Preprocessor.fit(train, encoding: .raw, maxCategories: options.maxCategories)
            let fit = try GradientBoostedTrees.fit(train: try pre.transform(train), labels: train.labels,
                                                   validation: try pre.transform(validation), validationLabels: validation.labels,
                                                   options: o, seed: options.seed)
            losses = fit.validationLosses
            artifact = try ModelArtifact(kind: .gradientBoostedTrees, features: data.featureNames, options: options, preprocessor: pre, ensemble: fit.ensemble)
        }
        // Validation goes through the artifact, the path serving uses.
        let predictions = try artifact.predict(validation)
        let trainMean = train.labels.reduce(0, +) / Double(train.rowCount)
        let baseline = [Double](repeating: trainMean, count: validation.rowCount)
        let evaluation: Evaluation = classifier
            ? .classification(model: ClassificationMetrics(probabilities: predictions, labels: validation.labels),
                              baseline: ClassificationMetrics(probabilities: baseline, labels: validation.labels))
            : .regression(model: RegressionMetrics(predictions: predictions, targets: validation.labels),
                          baseline: RegressionMetrics(predictions: baseline, targets: validation.labels))
        return TrainingResult(artifact: artifact, evaluation: evaluation, trainRows: train.rowCount,
                              validationRows: validation.rowCount, validationPredictions: predictions, validationLosses: losses)
    }
}
