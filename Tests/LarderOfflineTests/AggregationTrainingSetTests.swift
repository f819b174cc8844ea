import Foundation
import Larder
import LarderColumnar
import LarderRegistry
import Testing
@testable import LarderOffline

@Suite("Training sets with window aggregates")
struct AggregationTrainingSetTests {
    static let trips = Source.csv("trips", path: "trips.csv")
    static let view = AggregationView(
        "driver_trips", entities: [OfflineFixture.driver], source: trips, events: [Field("fare", .float64), Field("payment", .string)],
        aggregations: [.count("trips_1h", over: .hours(1)), .sum("fare_sum_24h", of: "fare", over: .hours(24)),
                       .last("last_payment", of: "payment", over: .lifetime)])

    static func repository() -> FeatureRepository {
        FeatureRepository(project: "t", entities: [OfflineFixture.driver], sources: [trips], views: [], aggregationViews: [view],
                          services: [FeatureService("s", features: [view.allFeatures])])
    }

    /// Trips of driver 1000 every 10 minutes from 2026-01-01T00:00Z for 3 hours, fare = minute / 10, payment card|cash.
    static func writeTrips(_ fixture: OfflineFixture) throws {
        var lines = ["driver_id,event_timestamp,created,fare,payment"]
        for k in 0..<18 {
            let t = ts("2026-01-01T00:00:00Z").adding(.minutes(Int64(k) * 10))
            lines.append("1000,\(t),\(t),\(Double(k * 10) / 10),\(k % 2 == 0 ? "card" : "cash")")
        }
        try fixture.write("trips.csv", lines)
    }

    static func entities() throws -> ColumnBatch {
        let times = ["2026-01-01T01:00:00Z", "2026-01-01T02:05:00Z", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"].map { ts($0).microsecondsSinceEpoch }
        return try ColumnBatch(schema: Schema([SchemaField(name: "driver_id", type: .int64), SchemaField(name: "event_timestamp", type: .timestamp)]),
                               columns: [Column(int64: [1000, 1000, 1000, 1001]), Column(timestampMicros: times)])
    }

    @Test("from the source, then from the offline store once materialized (the source gone): the same values, the store's intervals in the lineage")
    func sourceThenStore() throws {
        let fixture = try OfflineFixture()
        defer { fixture.remove() }
        try Self.writeTrips(fixture)
        let repository = Self.repository()
        let materializer = try Materializer(repository: repository, home: fixture.home, dataDirectory: fixture.data)
        let references = Self.view.aggregations.map { FeatureReference(view: Self.view.name, feature: $0.name) }
        let fromSource = try TrainingSetBuilder(repository: repository, store: materializer.store, dataDirectory: fixture.data)
            .build(entities: Self.entities(), features: references, fullNames: false)
        // 01:00: [00:00, 01:00) → 6 trips; 02:05: [01:05, 02:05) → 01:10 … 02:00, 6 trips; 00:00: none; driver 1001: none.
        #expect(fromSource.batch.column(named: "trips_1h")?.int64Values == [6, 6, 0, 0])
        #expect((0..<4).map { fromSource.batch.column(named: "fare_sum_24h")!.value(at: $0) } == [.float64(15), .float64(78), .null, .null])
        #expect((0..<4).map { fromSource.batch.column(named: "last_payment")!.value(at: $0) } == [.string("cash"), .string("card"), .null, .null])
        #expect(fromSource.intervals[Self.view.name] == nil)

        _ = try materializer.run(views: [Self.view.eventsView], interval: .all, trigger: "test", online: false)
        try FileManager.default.removeItem(atPath: fixture.data + "/trips.csv")
        let fromStore = try TrainingSetBuilder(repository: repository, store: materializer.store, dataDirectory: fixture.data)
            .build(entities: Self.entities(), features: references, fullNames: false)
        #expect(fromStore.batch == fromSource.batch)
        #expect(fromStore.intervals[Self.view.name]?.isEmpty == false)
    }

    @Test("a last_k feature is refused by name until training sets hold lists")
    func refusals() throws {
        let fixture = try OfflineFixture()
        defer { fixture.remove() }
        try Self.writeTrips(fixture)
        let listView = AggregationView("driver_trips", entities: [OfflineFixture.driver], source: Self.trips, events: [Field("fare", .float64)],
                                       aggregations: [.last(3, "last3_fares", of: "fare", over: .days(7))])
        let repository = FeatureRepository(project: "t", entities: [OfflineFixture.driver], sources: [Self.trips], views: [],
                                           aggregationViews: [listView], services: [])
        let store = try OfflineStore(home: fixture.home, database: try Registry(home: fixture.home).database)
        let builder = TrainingSetBuilder(repository: repository, store: store, dataDirectory: fixture.data)
        #expect {
            _ = try builder.build(entities: Self.entities(), features: [FeatureReference(view: "driver_trips", feature: "last3_fares")], fullNames: false)
        } throws: { error in
            "\(error)" == "driver_trips:last3_fares is a last_k (list-valued) feature, which training sets cannot hold yet; leave it out of the selection"
        }
    }
}
