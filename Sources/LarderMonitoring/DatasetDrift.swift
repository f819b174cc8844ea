/// The dataset-level verdict over a set of features, with Evidently's field names
/// (`share_of_drifted_columns`, `dataset_drift`, `number_of_drifted_columns`, `drift_by_columns`).
///
/// As in Evidently, the dataset drifts when the share of drifted features reaches `drift_share` (0.5 by
/// default; reaching it exactly counts). Features with insufficient data are left out of that share
/// (`number_of_columns` counts only the tested ones) and reported apart; when the dataset is not found
/// drifting and any feature could not be tested, the status is `insufficient_data`, not `no_drift`.
package struct DatasetDrift: Sendable, Codable, Equatable {
    package var numberOfColumns: Int
    package var numberOfDriftedColumns: Int
    package var numberOfInsufficientColumns: Int
    package var shareOfDriftedColumns: Double
    package var driftShare: Double
    package var datasetDrift: Bool
    package var status: DriftStatus
    package var driftByColumns: [FeatureDrift]

    enum CodingKeys: String, CodingKey {
        case numberOfColumns = "number_of_columns"
        case numberOfDriftedColumns = "number_of_drifted_columns"
        case numberOfInsufficientColumns = "number_of_insufficient_columns"
        case shareOfDriftedColumns = "share_of_drifted_columns"
        case driftShare = "drift_share"
        case datasetDrift = "dataset_drift"
        case status
        case driftByColumns = "drift_by_columns"
    }

    /// Evidently's default `drift_share`.
    package static let defaultDriftShare = 0.5

    package init(features: [FeatureDrift], driftShare: Double = DatasetDrift.defaultDriftShare) {
        let tested = features.filter { $0.status != .insufficientData }
        let drifted = tested.filter { $0.status == .drift }.count
        numberOfColumns = tested.count
        numberOfDriftedColumns = drifted
        numberOfInsufficientColumns = features.count - tested.count
        shareOfDriftedColumns = tested.isEmpty ? 0 : Double(drifted) / Double(tested.count)
        self.driftShare = driftShare
        datasetDrift = !tested.isEmpty && shareOfDriftedColumns >= driftShare
        if datasetDrift {
            status = .drift
        } else if tested.count < features.count || features.isEmpty {
            status = .insufficientData
        } else {
            status = .noDrift
        }
        driftByColumns = features
    }
}
