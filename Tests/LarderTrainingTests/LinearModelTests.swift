import Foundation
import Testing
@testable import LarderTraining

@Suite struct LinearModelTests {
    @Test func ridgeRecoversLinearCoefficients() throws {
        var random = TestRandom(seed: 21)
        let n = 2_000
        var values: [Double] = []
        var y: [Double] = []
        for _ in 0..<n {
            let a = random.normal(), b = random.normal() * 3, c = random.uniform()
            values += [a, b, c]
            y.append(1.5 + 2 * a - 0.5 * b + 4 * c)
        }
        let model = try LinearRegression.fit(DenseMatrix(rows: n, columns: 3, values: values), targets: y, options: .init(l2: 0))
        #expect(abs(model.intercept - 1.5) < 1e-9)
        #expect(abs(model.weights[0] - 2) < 1e-9)
        #expect(abs(model.weights[1] + 0.5) < 1e-9)
        #expect(abs(model.weights[2] - 4) < 1e-9)
    }

    @Test func ridgePenaltyMatchesTheOneDimensionalClosedForm() throws {
        // Centered x: w = Σxy / (Σx² + λ), intercept = mean(y).
        let x: [Double] = [-2, -1, 0, 1, 2], y: [Double] = [1, 2, 2, 4, 6]
        let model = try LinearRegression.fit(DenseMatrix(rows: 5, columns: 1, values: x), targets: y, options: .init(l2: 3))
        let sxy = zip(x, y).map(*).reduce(0, +), sxx = x.map { $0 * $0 }.reduce(0, +)
        #expect(abs(model.weights[0] - sxy / (sxx + 3)) < 1e-12)
        #expect(abs(model.intercept - 3) < 1e-12)
    }

    @Test func logisticRegressionSeparatesSeparableData() throws {
        var random = TestRandom(seed: 8)
        let n = 600
        var values: [Double] = [], y: [Double] = []
        while y.count < n {
            let a = random.normal(), b = random.normal()
            if abs(a - 2 * b) < 0.5 { continue }   // a margin around the boundary
            values += [a, b]
            y.append(a - 2 * b > 0 ? 1 : 0)
        }
        let x = DenseMatrix(rows: n, columns: 2, values: values)
        let fit = try LogisticRegression.fit(x, labels: y, options: .init(l2: 1))
        #expect(fit.model.weights[0] > 0)
        #expect(fit.model.weights[1] < 0)
        #expect(abs(fit.model.weights[1] / fit.model.weights[0] + 2) < 0.3)
        #expect(Metrics.auc(scores: fit.model.scores(x), labels: y) == 1)
    }

    @Test func logisticRegressionReachesTheOptimum() throws {
        var random = TestRandom(seed: 9)
        let n = 3_000
        var values: [Double] = [], y: [Double] = []
        for _ in 0..<n {
            let a = random.normal(), b = random.normal(), c = random.chance(0.3) ? 1.0 : 0.0
            values += [a, b, c]
            y.append(random.chance(sigmoidForTests(0.3 + 1.2 * a - 0.7 * b + 0.5 * c)) ? 1 : 0)
        }
        let x = DenseMatrix(rows: n, columns: 3, values: values)
        let l2 = 2.0
        let fit = try LogisticRegression.fit(x, labels: y, options: .init(l2: l2))
        // First-order optimality: Σ (p − y) x̃ + l2 · [0, w] = 0.
        var gradient = [Double](repeating: 0, count: 4)
        let scores = fit.model.scores(x)
        for r in 0..<n {
            let e = sigmoidForTests(scores[r]) - y[r]
            gradient[0] += e
            for j in 0..<3 { gradient[j + 1] += e * x[r, j] }
        }
        for j in 0..<3 { gradient[j + 1] += l2 * fit.model.weights[j] }
        #expect(gradient.allSatisfy { abs($0) < 1e-7 })
        #expect(fit.iterations < 15)
        // The true coefficients are recovered roughly (3,000 rows).
        #expect(abs(fit.model.weights[0] - 1.2) < 0.15)
        #expect(abs(fit.model.weights[1] + 0.7) < 0.15)
    }

    @Test func interceptOnlyModelIsTheLogOddsOfThePrior() throws {
        let y: [Double] = [1, 1, 1, 0]
        let fit = try LogisticRegression.fit(DenseMatrix(rows: 4, columns: 0), labels: y)
        #expect(abs(fit.model.intercept - log(3.0)) < 1e-10)
    }

    @Test func invalidPenaltyIsRejected() {
        #expect(throws: TrainingError.invalidOption(name: "l2", value: "-1.0", expected: "a finite number >= 0")) {
            try LinearRegression.fit(DenseMatrix(rows: 1, columns: 1, values: [1]), targets: [1], options: .init(l2: -1))
        }
    }

    @Test func singularSystemsAreReported() {
        // Two identical columns and no penalty: the normal equations are singular.
        let x = DenseMatrix(rows: 3, columns: 2, values: [1, 1, 2, 2, 3, 3])
        #expect(throws: TrainingError.self) {
            try LinearRegression.fit(x, targets: [1, 2, 3], options: .init(l2: 0))
        }
    }
}
