/// A row-major matrix of doubles in one contiguous array: the model input of linear models and trees.
///
/// ```swift
/// var m = DenseMatrix(rows: 2, columns: 3)
/// m[1, 2] = 4.5
/// m.row(1)   // [0, 0, 4.5]
/// ```
public struct DenseMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// `values[row * columns + column]`.
    public var values: [Double]

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.rows = rows
        self.columns = columns
        self.values = [Double](repeating: value, count: rows * columns)
    }

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "DenseMatrix needs rows × columns values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    public func row(_ r: Int) -> [Double] { Array(values[(r * columns)..<((r + 1) * columns)]) }
}
