#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The parameters of a linear model over preprocessed inputs: `score = intercept + Σ weights[j] · x[j]`.
///
/// Logistic regression reads the score as log-odds, ridge regression as the prediction.
///
/// ```swift
/// let m = LinearModel(intercept: 0.5, weights: [2, -1])
/// m.score([1, 1])   // 1.5
/// ```
public struct LinearModel: Sendable, Codable, Equatable {
    public var intercept: Double
    public var weights: [Double]

    public init(intercept: Double, weights: [Double]) {
        self.intercept = intercept
        self.weights = weights
    }

    /// The one scoring routine, used for single rows and batches alike (same order of additions).
    @inline(__always)
    func score(_ x: UnsafePointer<Double>) -> Double {
        var z = intercept
        for j in 0..<weights.count { z += weights[j] * x[j] }
        return z
    }

    public func score(_ x: [Double]) -> Double {
        precondition(x.count == weights.count, "LinearModel.score needs one input per weight")
        return x.withUnsafeBufferPointer { score($0.baseAddress!) }
    }

    /// Scores every row of `x`.
    public func scores(_ x: DenseMatrix) -> [Double] {
        precondition(x.columns == weights.count, "LinearModel.scores needs one input column per weight")
        var out = [Double](repeating: 0, count: x.rows)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<x.rows { out[r] = score(v.baseAddress! + r * x.columns) }
        }
        return out
    }
}

/// The logistic function 1 / (1 + e^-z), without overflow for large |z|.
@inline(__always)
func sigmoid(_ z: Double) -> Double {
    // One exponential of a non-positive number and a select, not a branch: signs are unpredictable.
    let e = exp(-abs(z))
    let s = 1 / (1 + e)
    return z >= 0 ? s : e * s
}

/// The logistic function and log(1 + e^z) together, from one exponential (the Newton pass needs both).
@inline(__always)
func sigmoidAndSoftplus(_ z: Double) -> (sigmoid: Double, softplus: Double) {
    let e = exp(-abs(z))
    let s = 1 / (1 + e)
    return (z >= 0 ? s : e * s, max(z, 0) + log1p(e))
}

/// log(1 + e^z) without overflow.
@inline(__always)
func softplus(_ z: Double) -> Double {
    z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
}
