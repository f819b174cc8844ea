#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Validation metrics of a binary classifier, computed from predicted probabilities.
///
/// ```swift
/// let m = ClassificationMetrics(probabilities: [0.9, 0.2, 0.6], labels: [1, 0, 0])
/// m.auc        // 1.0
/// m.accuracy   // 0.666...
/// ```
public struct ClassificationMetrics: Sendable, Codable, Equatable {
    /// Area under the ROC curve (ties share the average rank); nil when one class is absent.
    public var auc: Double?
    /// Mean negative log-likelihood, probabilities clipped to [1e-15, 1 − 1e-15].
    public var logLoss: Double
    /// Share of rows where `p >= 0.5` matches the label.
    public var accuracy: Double
    /// Brier score: mean squared difference between probability and label (calibration).
    public var brier: Double
    public var rows: Int
    public var positiveRate: Double

    public init(probabilities p: [Double], labels y: [Double]) {
        precondition(p.count == y.count, "ClassificationMetrics needs one label per probability")
        let n = Double(max(p.count, 1))
        var logLoss = 0.0, correct = 0, brier = 0.0, positives = 0.0
        for i in p.indices {
            let q = min(max(p[i], 1e-15), 1 - 1e-15)
            logLoss -= y[i] == 1 ? log(q) : log(1 - q)
            if (p[i] >= 0.5) == (y[i] == 1) { correct += 1 }
            brier += (p[i] - y[i]) * (p[i] - y[i])
            positives += y[i]
        }
        self.auc = Metrics.auc(scores: p, labels: y)
        self.logLoss = logLoss / n
        self.accuracy = Double(correct) / n
        self.brier = brier / n
        self.rows = p.count
        self.positiveRate = positives / n
    }
}

/// Validation metrics of a regression model.
///
/// ```swift
/// let m = RegressionMetrics(predictions: [1, 2, 3], targets: [1, 2, 4])
/// m.mae   // 0.333...
/// ```
public struct RegressionMetrics: Sendable, Codable, Equatable {
    public var rmse: Double
    public var mae: Double
    /// 1 − SS_res / SS_tot around the validation mean; 0 when the targets are constant and not fitted exactly.
    public var r2: Double
    public var rows: Int

    public init(predictions: [Double], targets: [Double]) {
        precondition(predictions.count == targets.count, "RegressionMetrics needs one target per prediction")
        let n = Double(max(targets.count, 1))
        let mean = targets.reduce(0, +) / n
        var squares = 0.0, absolute = 0.0, total = 0.0
        for i in targets.indices {
            let e = predictions[i] - targets[i]
            squares += e * e
            absolute += abs(e)
            total += (targets[i] - mean) * (targets[i] - mean)
        }
        self.rmse = (squares / n).squareRoot()
        self.mae = absolute / n
        self.r2 = total > 0 ? 1 - squares / total : (squares == 0 ? 1 : 0)
        self.rows = targets.count
    }
}

/// Metric helpers shared by the metric structs.
///
/// ```swift
/// Metrics.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1])   // 0.75
/// ```
public enum Metrics {
    /// Exact ROC AUC via the rank-sum (Mann–Whitney) statistic; tied scores get their average rank.
    public static func auc(scores: [Double], labels: [Double]) -> Double? {
        let n = scores.count
        let positives = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        let negatives = n - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = (0..<n).sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j + 2) / 2   // ranks are 1-based
            for k in i...j where labels[order[k]] == 1 { rankSum += averageRank }
            i = j + 1
        }
        let p = Double(positives), q = Double(negatives)
        return (rankSum - p * (p + 1) / 2) / (p * q)
    }
}
