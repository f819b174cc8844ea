import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderColumnar
import LarderOffline
import LarderOnline
import LarderRegistry
import LarderServer
import LarderTestSupport
import Testing

/// Window aggregates served online: the values of a batch run's tiles equal the training set's (same `now`,
/// every entity), and `POST /push` of raw events updates them at once, idempotently, leaving late events to
/// the next batch run.
@Suite("Serving window aggregates")
struct AggregationServingTests {
    static let driver = Entity("driver", joinKey: "driver_id", type: .int64)
    static let trips = Source.parquet("trips", path: "trips.parquet", eventTimestamp: "event_timestamp", created: "created")
    static let view = AggregationView(
        "driver_trips", entities: [driver], source: trips,
        events: [Field("fare", .float64), Field("distance_km", .float32), Field("rating", .int32), Field("payment", .string)],
        aggregations: [
            .count("trips_1h", over: .hours(1)), .count("trips_24h", over: .hours(24)), .sum("fare_sum_24h", of: "fare", over: .hours(24)),
            .mean("fare_avg_7d", of: "fare", over: .days(7)), .max("fare_max_7d", of: "fare", over: .days(7)),
            .min("rating_min_7d", of: "rating", over: .days(7)), .stddev("distance_std_7d", of: "distance_km", over: .days(7)),
            .last("last_payment", of: "payment", over: .lifetime),
        ])

    static func repository(_ project: String) -> FeatureRepository {
        FeatureRepository(project: project, entities: [driver], sources: [trips], views: [], aggregationViews: [view],
                          services: [FeatureService("windows", features: [view.allFeatures])])
    }

    /// Seeded events of 40 drivers over 9 days before `now`: ties, nulls, events on hop boundaries.
    static func events(now: Int64, count: Int) throws -> ColumnBatch {
        var random = SplitMix64(seed: 42)
        let hour: Int64 = 3_600_000_000
        var ids: [Int64] = [], times: [Int64] = [], created: [Int64] = [], fares: [Value] = [], distances: [Float] = []
        var ratings: [Value] = [], payments: [String] = []
        for _ in 0..<count {
            ids.append(Int64(random.next() % 40) + 1)
            var t = now - 1 - Int64(random.next() % UInt64(9 * 24 * hour))
            if random.next() % 10 == 0 { t -= t % hour }
            if random.next() % 20 == 0, let previous = times.last { t = previous }
            times.append(t)
            created.append(t + Int64(random.next() % 5_000))
            fares.append(random.next() % 7 == 0 ? .null : .float64(Double(random.next() % 100_000) / 100))
            distances.append(Float(random.next() % 4_000) / 100)
            ratings.append(random.next() % 4 == 0 ? .null : .int32(Int32(random.next() % 5) + 1))
            payments.append(["card", "cash", "wallet"][Int(random.next() % 3)])
        }
        func column(_ type: ValueType, _ values: [Value]) -> Column {
            var builder = ColumnBuilder(type: type, capacity: values.count)
            for value in values { builder.append(value) }
            return builder.finish()
        }
        return try ColumnBatch(
            schema: Schema([SchemaField(name: "driver_id", type: .int64), SchemaField(name: "event_timestamp", type: .timestamp),
                            SchemaField(name: "created", type: .timestamp), SchemaField(name: "fare", type: .float64),
                            SchemaField(name: "distance_km", type: .float32), SchemaField(name: "rating", type: .int32),
                            SchemaField(name: "payment", type: .string)]),
            columns: [column(.int64, ids.map(Value.int64)), column(.timestamp, times.map { .timestamp(Timestamp(microsecondsSinceEpoch: $0)) }),
                      column(.timestamp, created.map { .timestamp(Timestamp(microsecondsSinceEpoch: $0)) }), column(.float64, fares),
                      column(.float32, distances.map(Value.float32)), column(.int32, ratings), column(.string, payments.map(Value.string))])
    }

    static func close(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.float64(let x), .float64(let y)): abs(x - y) <= 1e-9 * max(1, abs(y))
        default: a == b
        }
    }

    @Test("online after a batch run equals the training set's value at the same now, for every entity and aggregate")
    func onlineEqualsOffline() async throws {
        let project = uniqueProject(), repository = Self.repository(project)
        let spec = RepositorySpec(repository)
        let store = RedisOnlineStore(client: RedisClient(url: try PrivateRedis.url(), options: .init(connections: 2)))
        defer { store.client.shutdown() }
        let instants: [Int64] = [1_767_225_600_000_000, 1_767_225_600_000_000 + 3_600_000_000 * 5 + 300_000_000 + 1]
        for now in instants {
            let events = try Self.events(now: now, count: 4_000)
            let layout = try AggregateTileLayout(spec: spec.aggregationViews[0], joinKeys: ["driver_id"], project: project)
            try await store.replaceTiles(layout, events: try AggregateEvents(batch: events, layout: layout), now: Timestamp(microsecondsSinceEpoch: now))
            let drivers = (1...41).map { Int64($0) }
            let entities = try ColumnBatch(schema: Schema([SchemaField(name: "driver_id", type: .int64), SchemaField(name: "event_timestamp", type: .timestamp)]),
                                           columns: [Column(int64: drivers), Column(timestampMicros: drivers.map { _ in now })])
            let names = Self.view.aggregations.map(\.name)
            let offline = try WindowAggregator.aggregate(view: Self.view, features: names, events: events, entities: entities,
                                                         times: entities.column(named: "event_timestamp")!)
            let online = try await OnlineLookup(spec: spec, store: store).run(
                OnlineLookup.Query(features: .service("windows"), entities: [("driver_id", drivers.map(Value.int64))]),
                now: Timestamp(microsecondsSinceEpoch: now))
            #expect(online.featureNames == ["driver_id"] + names)
            var compared = 0
            for (a, column) in offline.enumerated() {
                for row in 0..<drivers.count {
                    let want = column.value(at: row), got = online.value(column: 1 + a, row: row)
                    #expect(Self.close(got, want), "driver \(drivers[row]) \(names[a]): online \(got), training set \(want)")
                    compared += 1
                }
            }
            #expect(compared == names.count * 41)
            // Driver 41 has no events: count 0, every other aggregate null.
            #expect(online.value(column: 1, row: 40) == .int64(0))
            #expect(online.status(column: 3, row: 40) == .nullValue)
        }
    }

    @Test("POST /push of raw events updates the tiles at once; a retry counts nothing twice; late events go offline only")
    func pushUpdatesTiles() async throws {
        let project = uniqueProject(), repository = Self.repository(project)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let registry = try Registry(home: home)
        _ = try registry.apply(RepositorySpec(repository), allowBreaking: false)
        let offline = try OfflineStore(home: home, database: registry.database)
        let buffer = OfflinePushBuffer(store: offline, jobs: try JobLog(database: registry.database), maxRows: 1000)
        let client = RedisClient(url: try PrivateRedis.url(), options: .init(connections: 1))
        defer { client.shutdown() }
        let metrics = ServerMetrics()
        let state = ServerState(registry: registry, client: client, configuration: ServerConfiguration(),
                                repository: repository, pushBuffer: buffer, metrics: metrics)
        try await state.reload()
        let now = Timestamp.now()
        let t1 = now.adding(.minutes(-2)).iso8601(fractionalDigits: 3), t2 = now.adding(.minutes(-1)).iso8601(fractionalDigits: 3)
        let late = now.adding(.hours(-3)).iso8601(fractionalDigits: 3)
        let body = #"{"push_source_name":"trips","df":{"driver_id":[7,7,8],"event_timestamp":["\#(t1)","\#(t2)","\#(t1)"],"created":["\#(t1)","\#(t2)","\#(t1)"],"fare":[10.5,null,4.0],"distance_km":[2.0,3.0,1.0],"rating":[5,3,null],"payment":["card","cash","wallet"]},"to":"online_and_offline"}"#
        let lookup = #"{"features":["driver_trips:trips_1h","driver_trips:fare_sum_24h","driver_trips:rating_min_7d","driver_trips:last_payment"],"entities":{"driver_id":[7,8,9]}}"#
        let app = Application(router: FeatureServer(state: state).router())
        try await app.test(.router) { client in
            func post(_ uri: String, _ text: String) async throws -> TestResponse {
                try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: text))
            }
            let first = try await post("/push", body)
            #expect(first.status == .ok)
            #expect(first.text == #"{"view":"driver_trips","rows":3,"applied":3,"duplicates":0,"late":0}"#)
            let answer = try await post("/get-online-features", lookup).text
            #expect(answer.contains(#"{"values":[2,1,0],"statuses":["PRESENT","PRESENT","PRESENT"]"#), "trips_1h: \(answer)")
            #expect(answer.contains(#"{"values":[10.5,4.0,null],"statuses":["PRESENT","PRESENT","NULL_VALUE"]"#), "fare_sum_24h: \(answer)")
            #expect(answer.contains(#"{"values":[3,null,null],"statuses":["PRESENT","NULL_VALUE","NULL_VALUE"]"#), "rating_min_7d: \(answer)")
            #expect(answer.contains(#"{"values":["cash","wallet",null],"statuses":["PRESENT","PRESENT","NULL_VALUE"]"#), "last_payment: \(answer)")

            let retry = try await post("/push", body)
            #expect(retry.text == #"{"view":"driver_trips","rows":3,"applied":0,"duplicates":3,"late":0}"#)
            #expect(try await post("/get-online-features", lookup).text == answer, "a retried push changes nothing")

            let old = try await post("/push", #"{"feature_view":"driver_trips","df":{"driver_id":[9],"event_timestamp":["\#(late)"],"created":["\#(late)"],"fare":[1.0],"distance_km":[1.0],"rating":[1],"payment":["cash"]}}"#)
            #expect(old.text == #"{"view":"driver_trips","rows":1,"applied":0,"duplicates":0,"late":1}"#)
            #expect(try await post("/get-online-features", lookup).text == answer, "a late event is not applied online")
        }
        #expect(metrics.value("larder_push_late_events_total{source=\"trips\"}") == 1)
        // Offline: the three events once (the retry stored nothing); the late one was pushed online-only.
        let stored = try #require(try offline.read(view: "driver_trips", columns: nil))
        #expect(stored.rowCount == 3)
    }
}
