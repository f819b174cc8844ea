import Foundation
import Testing
@testable import LarderTraining

@Suite struct GradientBoostedTreesTests {
    @Test func treesFitAStepFunction() throws {
        var random = TestRandom(seed: 4)
        let n = 2_000
        var values: [Double] = [], y: [Double] = []
        for _ in 0..<n {
            let a = Double(random.int(100)) / 10, noise = random.normal()   // 100 values: one bin each
            values += [a, noise]
            y.append(a < 3 ? 1 : (a < 7 ? 5 : -2))
        }
        let x = DenseMatrix(rows: n, columns: 2, values: values)
        var options = GradientBoostingOptions(loss: .squaredError, maxIterations: 200, learningRate: 0.3)
        options.earlyStopping = false
        let fit = try GradientBoostedTrees.fit(train: x, labels: y, options: options, seed: 1)
        let predictions = (0..<n).map { fit.ensemble.score(x.row($0)) }
        let metrics = RegressionMetrics(predictions: predictions, targets: y)
        #expect(metrics.rmse < 1e-3)
        // The first tree splits on the informative feature, at the steps.
        let root = fit.ensemble.trees[0]
        #expect(root.feature[0] == 0)
        #expect([2.95, 6.95].contains(root.threshold[0]))
        #expect(abs(fit.ensemble.score([2, 0]) - 1) < 1e-3)
        #expect(abs(fit.ensemble.score([5, 0]) - 5) < 1e-3)
        #expect(abs(fit.ensemble.score([9, 0]) + 2) < 1e-3)
    }

    @Test func missingValuesLearnTheirOwnDirection() throws {
        // Missing x means label 1; present x is pure noise around label 0.
        var random = TestRandom(seed: 6)
        let n = 1_000
        var values: [Double] = [], y: [Double] = []
        for _ in 0..<n {
            let missing = random.chance(0.3)
            values.append(missing ? .nan : random.uniform())
            y.append(missing ? 1 : 0)
        }
        let x = DenseMatrix(rows: n, columns: 1, values: values)
        var options = GradientBoostingOptions(loss: .logLoss, maxIterations: 30)
        options.earlyStopping = false
        let fit = try GradientBoostedTrees.fit(train: x, labels: y, options: options, seed: 1)
        #expect(sigmoidForTests(fit.ensemble.score([.nan])) > 0.95)
        #expect(sigmoidForTests(fit.ensemble.score([0.5])) < 0.05)
    }

    @Test func classifierSeparatesSeparableData() throws {
        var random = TestRandom(seed: 12)
        let n = 1_500
        var values: [Double] = [], y: [Double] = []
        for _ in 0..<n {
            let a = random.normal(), b = random.normal()
            values += [a, b]
            y.append(a > 0.2 && b < 1 ? 1 : 0)
        }
        let x = DenseMatrix(rows: n, columns: 2, values: values)
        let fit = try GradientBoostedTrees.fit(train: x, labels: y, options: .init(loss: .logLoss, earlyStopping: false), seed: 3)
        let scores = (0..<n).map { fit.ensemble.score(x.row($0)) }
        #expect(Metrics.auc(scores: scores, labels: y) == 1)
    }

    @Test func depthAndLeafLimitsHold() throws {
        var random = TestRandom(seed: 13)
        let n = 3_000
        let values = (0..<(n * 3)).map { _ in random.normal() }
        let y: [Double] = (0..<n).map { (r: Int) -> Double in
            let a: Double = values[r * 3], b: Double = values[r * 3 + 1], c: Double = values[r * 3 + 2]
            return a + b * c
        }
        let x = DenseMatrix(rows: n, columns: 3, values: values)
        let options = GradientBoostingOptions(loss: .squaredError, maxIterations: 5, maxLeafNodes: 7, maxDepth: 2, minSamplesLeaf: 50, earlyStopping: false)
        let fit = try GradientBoostedTrees.fit(train: x, labels: y, options: options, seed: 1)
        for tree in fit.ensemble.trees {
            #expect(tree.leafCount <= 4)   // depth 2
            var depth = [0: 0]
            for i in 0..<tree.nodeCount where tree.feature[i] >= 0 {
                depth[tree.left[i]] = depth[i]! + 1
                depth[tree.right[i]] = depth[i]! + 1
            }
            #expect(depth.values.max()! <= 2)
        }
    }

    @Test func earlyStoppingKeepsTheBestRound() throws {
        // Labels are noise: validation loss stops improving quickly.
        var random = TestRandom(seed: 14)
        let n = 2_000, m = 500
        let x = DenseMatrix(rows: n, columns: 2, values: (0..<(2 * n)).map { _ in random.normal() })
        let y = (0..<n).map { _ in random.chance(0.5) ? 1.0 : 0.0 }
        let xv = DenseMatrix(rows: m, columns: 2, values: (0..<(2 * m)).map { _ in random.normal() })
        let yv = (0..<m).map { _ in random.chance(0.5) ? 1.0 : 0.0 }
        let options = GradientBoostingOptions(loss: .logLoss, maxIterations: 200, learningRate: 0.3, patience: 5)
        let fit = try GradientBoostedTrees.fit(train: x, labels: y, validation: xv, validationLabels: yv, options: options, seed: 1)
        let losses = fit.validationLosses
        #expect(losses.count < 200)
        let best = losses.indices.min { losses[$0] < losses[$1] }!
        #expect(fit.ensemble.trees.count == best + 1)
        #expect(losses.count - fit.ensemble.trees.count >= 5)
        // The kept ensemble reproduces the best validation loss.
        let scores = (0..<m).map { fit.ensemble.score(xv.row($0)) }
        #expect(GradientBoostedTrees.meanLoss(scores, yv, .logLoss) == losses[best])
    }

    @Test func binsPreserveTheOrderOfRawValues() {
        var random = TestRandom(seed: 15)
        let values = (0..<5_000).map { _ in random.chance(0.05) ? .nan : (random.normal() * 10).rounded() / 4 }
        let x = DenseMatrix(rows: 5_000, columns: 1, values: values)
        let binner = FeatureBinner.fit(x, maxBins: 255, sampleSize: 1_000, seed: 2)
        let t = binner.thresholds[0]
        #expect(t.count <= 254)
        #expect(zip(t, t.dropFirst()).allSatisfy { $0 < $1 })
        for v in values {
            let b = binner.bin(v, feature: 0)
            if v.isNaN { #expect(b == FeatureBinner.missingBin); continue }
            // "bin <= j" must be exactly "v <= t[j]".
            for j in 0..<t.count { #expect((Int(b) <= j) == (v <= t[j])) }
        }
    }

    @Test func invalidOptionsAreRejected() {
        let x = DenseMatrix(rows: 2, columns: 1, values: [0, 1])
        #expect(throws: TrainingError.invalidOption(name: "maxBins", value: "256", expected: "2 to 255")) {
            try GradientBoostedTrees.fit(train: x, labels: [0, 1], options: .init(loss: .logLoss, maxBins: 256), seed: 0)
        }
    }
}

@Suite struct TreeGrowerConsistencyTests {
    /// 70,000 rows with missing values: nodes are partitioned in parallel chunks. Scores that boosting
    /// accumulated leaf by leaf on bins must equal the ensemble's scores from raw values, bit for bit.
    @Test func binnedTrainingScoresEqualRawPredictions() throws {
        var random = TestRandom(seed: 16)
        let n = 70_000
        var values: [Double] = [], y: [Double] = []
        for _ in 0..<n {
            let a = random.chance(0.1) ? Double.nan : random.normal()
            let b = Double(random.int(40))
            values += [a, b]
            let z = (a.isNaN ? 1 : a) + 0.05 * b - 1
            y.append(random.chance(sigmoidForTests(z)) ? 1 : 0)
        }
        let x = DenseMatrix(rows: n, columns: 2, values: values)
        let options = GradientBoostingOptions(loss: .logLoss, maxIterations: 6, maxLeafNodes: 15, minSamplesLeaf: 5, earlyStopping: false)
        let fit = try GradientBoostedTrees.fit(train: x, labels: y, options: options, seed: 4)
        let raw = fit.ensemble.scores(x)
        #expect(raw.map(\.bitPattern) == fit.trainingScores.map(\.bitPattern))
        #expect(fit.ensemble.trees.allSatisfy { $0.leafCount == 15 })
    }
}
