#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Options of ``LogisticRegression``.
///
/// ```swift
/// LogisticRegressionOptions(l2: 1.0)   // scikit-learn's LogisticRegression(C=1.0)
/// ```
public struct LogisticRegressionOptions: Sendable, Codable, Equatable {
    /// Strength of the L2 penalty `l2/2 · ‖w‖²` added to the summed log loss (scikit-learn's `1/C`);
    /// the intercept is not penalized.
    public var l2: Double
    public var maxIterations: Int
    /// Newton stops once the largest coordinate of a step (in standardized units) is below this.
    public var tolerance: Double

    public init(l2: Double = 1.0, maxIterations: Int = 100, tolerance: Double = 1e-7) {
        self.l2 = l2
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }
}

/// L2-regularized logistic regression fitted by Newton's method (IRLS) with a Cholesky solve and a
/// backtracking line search. Each iteration is one parallel pass over the rows; it reaches the exact
/// optimum in a handful of iterations, which a quasi-Newton solver only approaches.
///
/// ```swift
/// let fit = try LogisticRegression.fit(x, labels: y, options: .init(l2: 1))
/// let p = sigmoid(fit.model.score(row))
/// ```
public enum LogisticRegression {
    /// The fitted model, Newton iterations and final penalized objective, e.g. `fit.model.weights`.
    public struct Fit: Sendable {
        public var model: LinearModel
        public var iterations: Int
        /// The penalized objective at the last evaluated point (before the final, negligible Newton step).
        public var objective: Double
    }

    public static func fit(_ x: DenseMatrix, labels y: [Double], options: LogisticRegressionOptions = .init()) throws(TrainingError) -> Fit {
        guard options.l2 >= 0, options.l2.isFinite else {
            throw .invalidOption(name: "l2", value: "\(options.l2)", expected: "a finite number >= 0")
        }
        guard options.maxIterations >= 1 else {
            throw .invalidOption(name: "maxIterations", value: "\(options.maxIterations)", expected: "at least 1")
        }
        precondition(y.count == x.rows, "LogisticRegression.fit needs one label per row")
        let d = x.columns + 1
        var theta = [Double](repeating: 0, count: d)
        // Start from the prior's log-odds: the optimum of the intercept alone, one iteration saved.
        let prior = min(max(y.reduce(0, +) / Double(max(y.count, 1)), 1e-12), 1 - 1e-12)
        theta[0] = log(prior / (1 - prior))
        // The last accepted point, its objective and the Newton step taken from it: a step whose
        // objective turns out higher (seen in the next pass) is halved, so every iteration is one pass.
        var accepted = theta, acceptedObjective = Double.infinity
        var step = [Double](repeating: 0, count: d), t = 1.0
        var iterations = 0
        while iterations < options.maxIterations {
            iterations += 1
            let model = LinearModel(intercept: theta[0], weights: Array(theta[1...]))
            let sums = y.withUnsafeBufferPointer { labels in
                NormalEquations.accumulate(x) { row, inputs in
                    let z = model.score(inputs)
                    let (s, softplus) = sigmoidAndSoftplus(z)
                    return (weight: max(s * (1 - s), 1e-12), rhs: s - labels[row], loss: softplus - labels[row] * z)
                }
            }
            let objective = sums.loss + penalty(theta, options.l2)
            if objective > acceptedObjective, t > 1e-10 {
                t *= 0.5
                for j in 0..<d { theta[j] = accepted[j] + t * step[j] }
                continue
            }
            accepted = theta
            acceptedObjective = objective
            var hessian = sums.gram
            var gradient = sums.vector
            for j in 1..<d {
                hessian[j * d + j] += options.l2
                gradient[j] += options.l2 * theta[j]
            }
            step = try Cholesky.solve(hessian, dimension: d, gradient.map { -$0 }, solver: "logistic regression (Newton)")
            t = 1
            for j in 0..<d { theta[j] += step[j] }
            // Near the optimum Newton converges quadratically; a step this small is final.
            if step.reduce(0, { max($0, abs($1)) }) < options.tolerance { break }
        }
        return Fit(model: LinearModel(intercept: theta[0], weights: Array(theta[1...])), iterations: iterations,
                   objective: acceptedObjective)
    }

    private static func penalty(_ theta: [Double], _ l2: Double) -> Double {
        var s = 0.0
        for j in 1..<theta.count { s += theta[j] * theta[j] }
        return 0.5 * l2 * s
    }
}
