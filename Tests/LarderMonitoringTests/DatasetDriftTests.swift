import Foundation
import LarderMonitoring
import Testing

@Suite struct DatasetDriftTests {
    /// A feature with the given status, built from samples that produce it.
    func feature(_ name: String, _ status: DriftStatus) -> FeatureDrift {
        let reference = (0..<300).map { Double($0) }
        let current: [Double]
        switch status {
        case .drift: current = reference.map { $0 + 150 }
        case .noDrift: current = reference
        case .insufficientData: current = Array(reference.prefix(10))
        }
        let drift = FeatureDrift(columnName: name, samples: .numerical(reference: reference, current: current))
        precondition(drift.status == status)
        return drift
    }

    @Test func exactlyHalfDriftedIsDatasetDrift() {
        let half = DatasetDrift(features: [feature("a", .drift), feature("b", .noDrift), feature("c", .drift), feature("d", .noDrift)])
        #expect(half.shareOfDriftedColumns == 0.5)
        #expect(half.datasetDrift)
        #expect(half.status == .drift)
        #expect(half.numberOfColumns == 4 && half.numberOfDriftedColumns == 2)
        let third = DatasetDrift(features: [feature("a", .drift), feature("b", .noDrift), feature("c", .noDrift)])
        #expect(abs(third.shareOfDriftedColumns - 1.0 / 3) < 1e-15)
        #expect(!third.datasetDrift)
        #expect(third.status == .noDrift)
        #expect(DatasetDrift(features: [feature("a", .drift)], driftShare: 1).datasetDrift)
    }

    /// Insufficient features are out of the share, and keep the dataset from reading "no drift".
    @Test func insufficientFeatures() {
        let mixed = DatasetDrift(features: [feature("a", .drift), feature("b", .noDrift), feature("c", .insufficientData)])
        #expect(mixed.numberOfColumns == 2)
        #expect(mixed.numberOfInsufficientColumns == 1)
        #expect(mixed.shareOfDriftedColumns == 0.5)
        #expect(mixed.datasetDrift && mixed.status == .drift)
        let quiet = DatasetDrift(features: [feature("a", .noDrift), feature("b", .noDrift), feature("c", .insufficientData)])
        #expect(!quiet.datasetDrift)
        #expect(quiet.status == .insufficientData)
        let none = DatasetDrift(features: [feature("a", .insufficientData)])
        #expect(!none.datasetDrift && none.status == .insufficientData && none.shareOfDriftedColumns == 0)
        #expect(DatasetDrift(features: []).status == .insufficientData)
    }

    @Test func jsonUsesEvidentlysFieldNames() throws {
        let report = DatasetDrift(features: [feature("conv_rate", .drift), feature("trips", .insufficientData)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any])
        #expect(object["share_of_drifted_columns"] as? Double == 1)
        #expect(object["dataset_drift"] as? Bool == true)
        #expect(object["number_of_drifted_columns"] as? Int == 1)
        #expect(object["status"] as? String == "drift")
        let columns = try #require(object["drift_by_columns"] as? [[String: Any]])
        #expect(columns.count == 2)
        let first = columns[0]
        #expect(first["column_name"] as? String == "conv_rate")
        #expect(first["column_type"] as? String == "num")
        #expect(first["stattest_name"] as? String == "K-S p_value")
        #expect(first["stattest"] as? String == "ks")
        #expect(first["stattest_threshold"] as? Double == 0.05)
        #expect(first["drift_detected"] as? Bool == true)
        #expect((first["drift_score"] as? Double).map { $0 < 1e-10 } == true)
        #expect(first["psi"] is Double)
        let second = columns[1]
        #expect(second["status"] as? String == "insufficient_data")
        #expect(second["drift_score"] == nil && second["drift_detected"] == nil)
        // Round trip.
        #expect(try JSONDecoder().decode(DatasetDrift.self, from: encoder.encode(report)) == report)
    }
}
