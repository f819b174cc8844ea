#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Options of ``GradientBoostedTrees``; the defaults are scikit-learn's `HistGradientBoosting*` ones.
///
/// ```swift
/// var o = GradientBoostingOptions(loss: .logLoss)
/// o.maxIterations = 200
/// o.earlyStopping = false
/// ```
public struct GradientBoostingOptions: Sendable, Codable, Equatable {
    /// The boosting objective, e.g. `GradientBoostingOptions(loss: .logLoss)` for a 0/1 label.
    public enum Loss: String, Sendable, Codable {
        /// Binary classification; scores are log-odds.
        case logLoss
        /// Regression; scores are predictions.
        case squaredError
    }

    public var loss: Loss
    /// Number of boosting rounds (trees) at most.
    public var maxIterations: Int
    /// Shrinkage applied to every leaf value.
    public var learningRate: Double
    /// Trees grow best-first until they have this many leaves...
    public var maxLeafNodes: Int
    /// ...or no leaf deeper than this can split (root depth 0).
    public var maxDepth: Int
    public var minSamplesLeaf: Int
    /// L2 penalty on leaf values (added to the hessian sum).
    public var l2: Double
    /// Value bins per feature, at most 255 (bin 255 is reserved for missing values).
    public var maxBins: Int
    public var minHessianLeaf: Double
    /// A split must gain more than this.
    public var minGain: Double
    /// Stop when the validation loss has not improved by `tolerance` for `patience` rounds, and keep
    /// the trees of the best round. The validation set is the latest part of the time split.
    public var earlyStopping: Bool
    public var patience: Int
    public var tolerance: Double
    /// Bin thresholds are learned on at most this many training rows (a seeded sample).
    public var binSampleSize: Int

    public init(loss: Loss, maxIterations: Int = 100, learningRate: Double = 0.1, maxLeafNodes: Int = 31,
                maxDepth: Int = 64, minSamplesLeaf: Int = 20, l2: Double = 0, maxBins: Int = 255,
                minHessianLeaf: Double = 1e-3, minGain: Double = 0, earlyStopping: Bool = true,
                patience: Int = 10, tolerance: Double = 1e-7, binSampleSize: Int = 200_000) {
        self.loss = loss
        self.maxIterations = maxIterations
        self.learningRate = learningRate
        self.maxLeafNodes = maxLeafNodes
        self.maxDepth = maxDepth
        self.minSamplesLeaf = minSamplesLeaf
        self.l2 = l2
        self.maxBins = maxBins
        self.minHessianLeaf = minHessianLeaf
        self.minGain = minGain
        self.earlyStopping = earlyStopping
        self.patience = patience
        self.tolerance = tolerance
        self.binSampleSize = binSampleSize
    }

    func validate() throws(TrainingError) {
        func check(_ ok: Bool, _ name: String, _ value: some CustomStringConvertible, _ expected: String) throws(TrainingError) {
            if !ok { throw .invalidOption(name: name, value: value.description, expected: expected) }
        }
        try check(maxIterations >= 1, "maxIterations", maxIterations, "at least 1")
        try check(learningRate > 0 && learningRate.isFinite, "learningRate", learningRate, "a finite number > 0")
        try check(maxLeafNodes >= 2, "maxLeafNodes", maxLeafNodes, "at least 2")
        try check(maxDepth >= 1, "maxDepth", maxDepth, "at least 1")
        try check(minSamplesLeaf >= 1, "minSamplesLeaf", minSamplesLeaf, "at least 1")
        try check(l2 >= 0 && l2.isFinite, "l2", l2, "a finite number >= 0")
        try check((2...255).contains(maxBins), "maxBins", maxBins, "2 to 255")
        try check(patience >= 1, "patience", patience, "at least 1")
        try check(binSampleSize >= 2, "binSampleSize", binSampleSize, "at least 2")
    }
}

/// A fitted boosted ensemble: `score = baseScore + Σ tree.leafValue(x)`, log-odds for ``GradientBoostingOptions/Loss/logLoss``.
///
/// ```swift
/// let p = sigmoid(ensemble.score(rawInputs))
/// ```
public struct TreeEnsemble: Sendable, Codable, Equatable {
    public var loss: GradientBoostingOptions.Loss
    public var baseScore: Double
    public var trees: [DecisionTree]

    /// The one scoring routine for single rows and batches (same order of additions).
    @inline(__always)
    func score(_ x: UnsafePointer<Double>) -> Double {
        var s = baseScore
        for tree in trees { s += tree.leafValue(x) }
        return s
    }

    public func score(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { score($0.baseAddress!) }
    }

    /// Scores every row of `x`, tree by tree. Each row still sums `baseScore`, then tree 0, tree 1, ...
    /// in that order, so the result is bit-identical to ``score(_:)`` row by row.
    public func scores(_ x: DenseMatrix) -> [Double] {
        var out = [Double](repeating: baseScore, count: x.rows)
        let chunks = ParallelChunks(count: x.rows, rowsPerChunk: 16_384)
        x.values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                let values = v.baseAddress!, scores = o.baseAddress!
                for tree in trees {
                    tree.withNodes { nodes in
                        chunks.run { _, rows in
                            for r in rows { scores[r] += nodes.leafValue(values + r * x.columns) }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Histogram-based gradient-boosted regression trees (log loss or squared error) with quantile bins,
/// best-first depth/leaf-limited trees, shrinkage, L2 on leaves, native missing-value handling and
/// early stopping on the validation set. Deterministic for a given seed.
///
/// ```swift
/// let fit = try GradientBoostedTrees.fit(train: x, labels: y, validation: xv, validationLabels: yv,
///                                        options: .init(loss: .logLoss), seed: 7)
/// fit.ensemble.trees.count
/// ```
public enum GradientBoostedTrees {
    /// The ensemble and the validation loss per round, e.g. `fit.validationLosses.last`.
    public struct Fit: Sendable {
        public var ensemble: TreeEnsemble
        /// Validation loss after each round (empty without early stopping or a validation set).
        public var validationLosses: [Double]
        /// Training scores as boosting computed them on bins, leaf by leaf (for consistency checks).
        var trainingScores: [Double]
    }

    /// `train` and `validation` hold raw inputs (NaN = missing), e.g. from a ``Preprocessor`` with `.raw`.
    public static func fit(train: DenseMatrix, labels: [Double], validation: DenseMatrix? = nil, validationLabels: [Double] = [],
                           options: GradientBoostingOptions, seed: UInt64) throws(TrainingError) -> Fit {
        try options.validate()
        let n = train.rows
        guard n >= 1 else { throw .notEnoughRows(part: "training", rows: n, needed: 1) }
        precondition(labels.count == n, "GradientBoostedTrees.fit needs one label per row")
        let binner = FeatureBinner.fit(train, maxBins: options.maxBins, sampleSize: options.binSampleSize, seed: seed)
        let grower = TreeGrower(bins: binner.bin(train), rows: n, binner: binner, options: options)

        let mean = labels.reduce(0, +) / Double(n)
        let baseScore: Double
        switch options.loss {
        case .logLoss:
            let p = min(max(mean, 1e-15), 1 - 1e-15)
            baseScore = log(p / (1 - p))
        case .squaredError:
            baseScore = mean
        }
        var scores = [Double](repeating: baseScore, count: n)
        var gradients = [GradientPair](repeating: GradientPair(gradient: 0, hessian: 1), count: n)
        var validationScores = [Double](repeating: baseScore, count: validation?.rows ?? 0)
        var trees: [DecisionTree] = []
        var losses: [Double] = []
        var bestLoss = Double.infinity, bestCount = 0, sinceBest = 0
        let chunks = ParallelChunks(count: n)

        for _ in 0..<options.maxIterations {
            scores.withUnsafeBufferPointer { s in
                labels.withUnsafeBufferPointer { y in
                    gradients.withUnsafeMutableBufferPointer { g in
                        chunks.run { _, rows in
                            for r in rows {
                                switch options.loss {
                                case .logLoss:
                                    let p = sigmoid(s[r])
                                    g[r] = GradientPair(gradient: p - y[r], hessian: max(p * (1 - p), 1e-16))
                                case .squaredError:
                                    g[r].gradient = s[r] - y[r]
                                }
                            }
                        }
                    }
                }
            }
            let tree = grower.grow(gradients: gradients, scores: &scores)
            trees.append(tree)
            // Without early stopping the validation set is scored once, by the caller, from the artifact.
            guard options.earlyStopping, let validation, !validationLabels.isEmpty else { continue }
            validation.values.withUnsafeBufferPointer { v in
                tree.withNodes { nodes in
                    for r in 0..<validation.rows { validationScores[r] += nodes.leafValue(v.baseAddress! + r * validation.columns) }
                }
            }
            let loss = meanLoss(validationScores, validationLabels, options.loss)
            losses.append(loss)
            if loss < bestLoss - options.tolerance {
                bestLoss = loss
                bestCount = trees.count
                sinceBest = 0
            } else {
                sinceBest += 1
                if sinceBest >= options.patience { break }
            }
        }
        if bestCount > 0 { trees.removeSubrange(bestCount...) }
        return Fit(ensemble: TreeEnsemble(loss: options.loss, baseScore: baseScore, trees: trees), validationLosses: losses,
                   trainingScores: scores)
    }

    static func meanLoss(_ scores: [Double], _ y: [Double], _ loss: GradientBoostingOptions.Loss) -> Double {
        var total = 0.0
        for i in scores.indices {
            switch loss {
            case .logLoss: total += softplus(scores[i]) - y[i] * scores[i]
            case .squaredError: total += (scores[i] - y[i]) * (scores[i] - y[i])
            }
        }
        return total / Double(max(scores.count, 1))
    }
}
