public import Larder

/// Predictions for feature values looked up online, column by column, with the stored preprocessing:
/// a null value (not found, null, or outside the view's max age) gets the model's stored imputation.
/// Both `POST /predict` and `larder predict` go through it, and it goes through
/// ``ModelArtifact/predict(row:)``, the path whose equality with batch prediction is tested.
///
/// ```swift
/// let p = try ModelPrediction.predict(artifact, features: model.features.map(\.name),
///                                     columns: [[.float32(0.5)], [.null]])   // one row, two features
/// ```
public enum ModelPrediction {
    /// - Parameters:
    ///   - features: the model's feature names, one per column.
    ///   - columns: one column of values per feature, each with one value per entity row.
    public static func predict(_ artifact: ModelArtifact, features: [String], columns: [[Value]]) throws(TrainingError) -> [Double] {
        guard features.count == columns.count else {
            throw .lengthMismatch(feature: "feature columns", expected: features.count, actual: columns.count)
        }
        let rowCount = columns.first?.count ?? 0
        var predictions: [Double] = []
        predictions.reserveCapacity(rowCount)
        var row: [String: Value] = Dictionary(minimumCapacity: features.count)
        for r in 0..<rowCount {
            for (name, column) in zip(features, columns) {
                guard column.count == rowCount else { throw .lengthMismatch(feature: name, expected: rowCount, actual: column.count) }
                row[name] = column[r]
            }
            predictions.append(try artifact.predict(row: row))
        }
        return predictions
    }
}
