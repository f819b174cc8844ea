/// Options of ``LinearRegression``.
///
/// ```swift
/// LinearRegressionOptions(l2: 1.0)   // scikit-learn's Ridge(alpha=1.0)
/// ```
public struct LinearRegressionOptions: Sendable, Codable, Equatable {
    /// Ridge penalty `l2 · ‖w‖²` added to the summed squared error; the intercept is not penalized.
    public var l2: Double

    public init(l2: Double = 1.0) { self.l2 = l2 }
}

/// Ridge regression in closed form: one parallel pass builds the normal equations
/// `(X̃ᵀX̃ + l2·I₀) θ = X̃ᵀy` (I₀ leaves the intercept unpenalized) and a Cholesky solve finishes it.
///
/// ```swift
/// let model = try LinearRegression.fit(x, targets: y, options: .init(l2: 0.1))
/// model.score(row)   // the prediction
/// ```
public enum LinearRegression {
    public static func fit(_ x: DenseMatrix, targets y: [Double], options: LinearRegressionOptions = .init()) throws(TrainingError) -> LinearModel {
        guard options.l2 >= 0, options.l2.isFinite else {
            throw .invalidOption(name: "l2", value: "\(options.l2)", expected: "a finite number >= 0")
        }
        precondition(y.count == x.rows, "LinearRegression.fit needs one target per row")
        let d = x.columns + 1
        let sums = y.withUnsafeBufferPointer { targets in
            NormalEquations.accumulate(x) { row, _ in (weight: 1, rhs: targets[row], loss: 0) }
        }
        var gram = sums.gram
        for j in 1..<d { gram[j * d + j] += options.l2 }
        let theta = try Cholesky.solve(gram, dimension: d, sums.vector, solver: "ridge regression")
        return LinearModel(intercept: theta[0], weights: Array(theta[1...]))
    }
}
