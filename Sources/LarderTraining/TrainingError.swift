public import Larder

/// Why training, preprocessing, prediction or reading a model artifact failed.
///
/// Every case names the feature (and row, when there is one) and the description says how to fix it.
///
/// ```swift
/// do { _ = try ModelTrainer.train(data, options: options) }
/// catch { print(error) }   // e.g. "label at row 17 is 0.5, but logistic regression needs 0 or 1 ..."
/// ```
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A column has a different number of rows than the labels.
    case lengthMismatch(feature: String, expected: Int, actual: Int)
    /// Two feature columns share a name.
    case duplicateFeature(String)
    /// A label is NaN or infinite.
    case nonFiniteLabel(row: Int, value: Double)
    /// A classification label is neither 0 nor 1.
    case labelNotBinary(row: Int, value: Double)
    /// Too few rows to split or to fit.
    case notEnoughRows(part: String, rows: Int, needed: Int)
    /// Only one class in the training part, so a classifier has nothing to learn.
    case singleClass(label: Double)
    /// The validation fraction is outside (0, 1).
    case invalidValidationFraction(Double)
    /// An option is out of range.
    case invalidOption(name: String, value: String, expected: String)
    /// A serving row gave a value of the wrong type for a feature.
    case typeMismatch(feature: String, expected: String, actual: ValueType)
    /// The linear system of a solver could not be solved (the matrix is not positive definite).
    case singularSystem(solver: String, detail: String)
    /// A model artifact could not be read.
    case invalidArtifact(String)

    public var description: String {
        switch self {
        case .lengthMismatch(let feature, let expected, let actual):
            "feature \"\(feature)\" has \(actual) rows but the labels have \(expected); give every column one value per row"
        case .duplicateFeature(let name):
            "feature \"\(name)\" appears twice; give each feature column a unique name"
        case .nonFiniteLabel(let row, let value):
            "label at row \(row) is \(value); drop rows without a finite label before training"
        case .labelNotBinary(let row, let value):
            "label at row \(row) is \(value), but a classifier needs 0 or 1; map the label to 0/1 or train a regression model"
        case .notEnoughRows(let part, let rows, let needed):
            "the \(part) part has \(rows) rows but needs at least \(needed); use more data or a different validation fraction"
        case .singleClass(let label):
            "every training label is \(label); a classifier needs both classes in the training part (rows before the validation cut)"
        case .invalidValidationFraction(let f):
            "validation fraction \(f) must be greater than 0 and less than 1 (default 0.2)"
        case .invalidOption(let name, let value, let expected):
            "option \(name) = \(value) is invalid; expected \(expected)"
        case .typeMismatch(let feature, let expected, let actual):
            "feature \"\(feature)\" was trained as \(expected) but the row holds a \(actual) value; serve the type the model was trained on"
        case .singularSystem(let solver, let detail):
            "\(solver) could not solve its linear system (\(detail)); increase the L2 penalty or remove constant/duplicate features"
        case .invalidArtifact(let detail):
            "the model artifact cannot be read: \(detail); re-train or re-export the model"
        }
    }
}
