import Larder
import LarderColumnar
import LarderOffline
import LarderRegistry
import Testing
@testable import LarderTraining

@Suite struct SnapshotTrainingDataTests {
    @Test func defaultFeaturesAreTheSnapshotsFeatureColumnsWithTheirValues() throws {
        let fixture = try SnapshotFixture(rows: 500)
        defer { fixture.tearDown() }
        let (snapshot, batch) = try fixture.snapshots.read("rides_test")
        let input = try SnapshotTrainingData(batch: batch, lineage: snapshot.features, label: "trip_completed")
        // Not order_id, driver_id, customer_id, event_timestamp, the label, nor the entity column `tip`.
        #expect(input.data.featureNames == ["conv_rate", "avg_daily_trips", "segment"])
        #expect(input.features.map(\.reference.description) == SnapshotFixture.lineage)
        #expect(input.droppedRows == 0)
        #expect(input.data.rowCount == 500)
        #expect(input.data.eventTimes == batch.column(named: "event_timestamp")!.timestampMicros)
        #expect(input.data.labels == batch.column(named: "trip_completed")!.int32Values.map(Double.init))
        let rate = batch.column(named: "conv_rate")!
        guard case .numeric(let values, let isValid) = input.data.features[0].storage else { Issue.record("conv_rate is not numeric"); return }
        for r in 0..<500 {
            #expect(isValid[r] == !rate.isNull(r))
            if isValid[r] { #expect(values[r] == Double(rate.float32Values[r])) }
        }
        guard case .categorical(let segments) = input.data.features[2].storage else { Issue.record("segment is not categorical"); return }
        #expect(segments == (0..<500).map { batch.column(named: "segment")!.string(at: $0) })
    }

    @Test func featuresNarrowTheListInTheGivenOrder() throws {
        let batch = try SnapshotFixture.makeBatch(rows: 50, seed: 2, nullLabels: [], conversionColumn: "conv_rate")
        let input = try SnapshotTrainingData(batch: batch, lineage: SnapshotFixture.lineage, label: "trip_completed",
                                             features: ["segment", "conv_rate"])
        #expect(input.data.featureNames == ["segment", "conv_rate"])
        #expect(input.features.map(\.reference) == [FeatureReference(view: "customers", feature: "segment"),
                                                     FeatureReference(view: "drivers", feature: "conv_rate")])
    }

    @Test func columnsThatCannotBeServedOnlineAreRefused() throws {
        let batch = try SnapshotFixture.makeBatch(rows: 50, seed: 3, nullLabels: [], conversionColumn: "conv_rate")
        func attempt(_ label: String, _ features: [String]?) -> SnapshotTrainingError? {
            do {
                _ = try SnapshotTrainingData(batch: batch, lineage: SnapshotFixture.lineage, label: label, features: features)
                return nil
            } catch { return error }
        }
        #expect(attempt("trip_completed", ["tip"]) == .notAFeature("tip", features: ["conv_rate", "avg_daily_trips", "segment"]))
        #expect(attempt("trip_completed", ["nope"]) == .missingColumn("nope", role: "feature", available: ["conv_rate", "avg_daily_trips", "segment"]))
        #expect(attempt("trip_completed", ["trip_completed"]) == .labelAsFeature("trip_completed"))
        #expect(attempt("segment", nil) == .labelNotNumeric("segment", type: .string))
        #expect(attempt("done", nil).map { "\($0)" }?.contains("has no column done (label)") == true)
    }

    @Test func rowsWithoutALabelAreDroppedAndCounted() throws {
        let batch = try SnapshotFixture.makeBatch(rows: 100, seed: 4, nullLabels: [3, 50, 99], conversionColumn: "conv_rate")
        let input = try SnapshotTrainingData(batch: batch, lineage: SnapshotFixture.lineage, label: "trip_completed")
        #expect(input.droppedRows == 3)
        #expect(input.data.rowCount == 97)
        let kept = (0..<100).filter { ![3, 50, 99].contains($0) }
        #expect(input.data.eventTimes == kept.map { batch.column(named: "event_timestamp")!.timestampMicros[$0] })
    }

    @Test func fullFeatureNamesMapToTheirReferences() throws {
        let batch = try SnapshotFixture.makeBatch(rows: 50, seed: 5, nullLabels: [], conversionColumn: "drivers__conv_rate")
        let input = try SnapshotTrainingData(batch: batch, lineage: SnapshotFixture.lineage, label: "trip_completed")
        #expect(input.features.first == ModelFeature(name: "drivers__conv_rate", reference: FeatureReference(view: "drivers", feature: "conv_rate")))
    }
}
