/// Solves symmetric positive-definite systems `A x = b` by Cholesky factorization `A = L Lᵀ`.
///
/// The normal-equation and Newton systems of the linear models are small (one row and column per
/// model input), so a dense, allocation-light factorization is all they need.
///
/// ```swift
/// let x = try Cholesky.solve([4, 2, 2, 3], dimension: 2, [2, 1], solver: "ridge")  // [0.5, 0]
/// ```
enum Cholesky {
    /// `matrix` is row-major `dimension × dimension`; only its lower triangle is read.
    static func solve(_ matrix: [Double], dimension d: Int, _ rhs: [Double], solver: String) throws(TrainingError) -> [Double] {
        var l = matrix
        for j in 0..<d {
            var diagonal = l[j * d + j]
            for k in 0..<j { diagonal -= l[j * d + k] * l[j * d + k] }
            // A pivot that cancelled down to rounding noise means a (numerically) singular matrix.
            guard diagonal > 1e-12 * abs(matrix[j * d + j]), diagonal > 0, diagonal.isFinite else {
                throw .singularSystem(solver: solver, detail: "pivot \(j) is \(diagonal)")
            }
            let root = diagonal.squareRoot()
            l[j * d + j] = root
            for i in (j + 1)..<max(d, j + 1) {
                var s = l[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                l[i * d + j] = s / root
            }
        }
        // Forward: L y = b, then back: Lᵀ x = y.
        var x = rhs
        for i in 0..<d {
            var s = x[i]
            for k in 0..<i { s -= l[i * d + k] * x[k] }
            x[i] = s / l[i * d + i]
        }
        for i in stride(from: d - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<max(d, i + 1) { s -= l[k * d + i] * x[k] }
            x[i] = s / l[i * d + i]
        }
        return x
    }
}
