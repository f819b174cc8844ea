import Foundation
import Testing
import LarderTraining

@Suite struct MetricsTests {
    @Test func aucByHand() {
        // Pairs (positive, negative): (0.35 vs 0.1) win, (0.35 vs 0.4) lose, (0.8 vs both) win → 3/4.
        #expect(Metrics.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1]) == 0.75)
        #expect(Metrics.auc(scores: [0.9, 0.8, 0.1], labels: [1, 1, 0]) == 1)
        #expect(Metrics.auc(scores: [0.1, 0.2], labels: [1, 0]) == 0)
    }

    @Test func aucCountsTiesAsHalf() {
        // Positive 0.5 ties one negative (½) and beats the other (1): (1.5 + 1) / 4 with the second positive.
        let auc = Metrics.auc(scores: [0.5, 0.5, 0.2, 0.9], labels: [1, 0, 0, 1])
        let expected: Double = 3.5 / 4   // ½ + 1 for the tied positive, 2 for the other
        #expect(auc == expected)
        #expect(Metrics.auc(scores: [0.3, 0.3, 0.3, 0.3], labels: [1, 0, 1, 0]) == 0.5)
        #expect(Metrics.auc(scores: [0.3, 0.4], labels: [1, 1]) == nil)
    }

    @Test func aucMatchesBruteForceOnRandomData() {
        var random = TestRandom(seed: 5)
        for _ in 0..<100 {
            let n = 2 + random.int(40)
            let scores = (0..<n).map { _ in Double(random.int(6)) / 5 }
            let labels = (0..<n).map { _ in random.chance(0.4) ? 1.0 : 0.0 }
            var pairs = 0.0, wins = 0.0
            for i in 0..<n where labels[i] == 1 {
                for j in 0..<n where labels[j] == 0 {
                    pairs += 1
                    wins += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0)
                }
            }
            let auc = Metrics.auc(scores: scores, labels: labels)
            if pairs == 0 { #expect(auc == nil) } else { #expect(abs(auc! - wins / pairs) < 1e-12) }
        }
    }

    @Test func classificationMetricsByHand() {
        let m = ClassificationMetrics(probabilities: [0.9, 0.2, 0.6, 0.5], labels: [1, 0, 0, 1])
        let logLoss = -(log(0.9) + log(0.8) + log(0.4) + log(0.5)) / 4
        #expect(abs(m.logLoss - logLoss) < 1e-15)
        #expect(m.accuracy == 0.75)                 // 0.6 → 1 is wrong; 0.5 → 1 is right
        #expect(abs(m.brier - (0.01 + 0.04 + 0.36 + 0.25) / 4) < 1e-15)
        #expect(m.auc == 0.75)
        #expect(m.positiveRate == 0.5)
        #expect(m.rows == 4)
    }

    @Test func logLossClipsCertainMistakes() {
        let m = ClassificationMetrics(probabilities: [0, 1], labels: [1, 1])
        #expect(abs(m.logLoss - (-log(1e-15) / 2)) < 1e-9)
        #expect(m.logLoss.isFinite)
    }

    @Test func regressionMetricsByHand() {
        let m = RegressionMetrics(predictions: [1, 2, 3, 5], targets: [1, 3, 3, 3])
        #expect(m.rmse == (5.0 / 4).squareRoot())  // errors 0, -1, 0, 2
        #expect(m.mae == 0.75)
        #expect(m.r2 == 1 - 5.0 / 3.0)              // SS_tot around 2.5: 2.25 + .25 + .25 + .25 = 3
        #expect(RegressionMetrics(predictions: [2, 2], targets: [2, 2]).r2 == 1)
        #expect(RegressionMetrics(predictions: [1, 1], targets: [2, 2]).r2 == 0)
    }
}
