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

/// The rides example's on-demand view over a driver and a customer view, with the same rows written to the
/// online store (Redis) and to the offline store, so a lookup and a training set see the same inputs:
///
/// | driver_id | avg_daily_trips | event time | at `now`         |   | customer_id | current_balance | event time | at `now`  |
/// |-----------|-----------------|------------|------------------|---|-------------|-----------------|------------|-----------|
/// | 1001      | 12              | now − 1 h  | fresh            |   | 5           | 100.5           | now − 1 d  | fresh     |
/// | 1002      | null            | now − 2 h  | fresh, null      |   | 6           | (no row)        |            | not found |
/// | 1003      | 30              | now − 3 d  | expired (ttl 1 d)|   |             |                 |            |           |
/// | 1004      | (no row)        |            | not found        |   |             |                 |            |           |
struct OnDemandFixture: Sendable {
    static let driver = Entity("driver", joinKey: "driver_id", type: .int64)
    static let customer = Entity("customer", joinKey: "customer_id", type: .int64)
    static let driverSource = Source.parquet("drivers", path: "unused_drivers.parquet")
    static let customerSource = Source.parquet("customers", path: "unused_customers.parquet")
    static let driverStats = FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: driverSource,
                                         fields: [Field("avg_daily_trips", .int32), Field("conv_rate", .float32)])
    static let customerStats = FeatureView("customer_stats", entities: [customer], ttl: .days(2), source: customerSource,
                                           fields: [Field("current_balance", .float32)])

    /// The rides `trip_request`, refusing negative distances (so the refusal path has a trigger).
    static let tripRequest = OnDemandView(
        "trip_request", version: 1, request: [RequestField("distance_km", .float64)],
        sources: [driverStats.features("avg_daily_trips"), customerStats.features("current_balance")],
        outputs: [Field("expected_trips_per_km", .float64), Field("balance_after_fare", .float64)]
    ) { batch in
        let distance = try batch.float64("distance_km")
        let trips = try batch.float64("avg_daily_trips")
        let balance = try batch.float64("current_balance")
        if let row = distance.firstIndex(where: { ($0 ?? 0) < 0 }) { throw TransformError("distance_km is negative in row \(row)") }
        batch["expected_trips_per_km"] = .float64(batch.rows.map { i in
            guard let t = trips[i], let d = distance[i] else { return nil }
            return t / max(d, 0.1)
        })
        batch["balance_after_fare"] = .float64(batch.rows.map { i in
            guard let b = balance[i], let d = distance[i] else { return nil }
            return b - 2.5 * d
        })
    }

    static func repository(project: String) -> FeatureRepository {
        FeatureRepository(
            project: project, entities: [driver, customer], sources: [driverSource, customerSource],
            views: [driverStats, customerStats], onDemandViews: [tripRequest],
            services: [
                FeatureService("trips", features: [driverStats.features("conv_rate"), tripRequest.allFeatures]),
                FeatureService("plain", features: [driverStats.features("conv_rate")]),
            ])
    }

    let project: String
    let home: String
    let repository: FeatureRepository
    let registry: Registry
    let client: RedisClient
    let state: ServerState
    let offline: OfflineStore
    let now: Timestamp

    static func make() async throws -> OnDemandFixture {
        let project = uniqueProject()
        let home = try temporaryDirectory()
        let repository = repository(project: project)
        let registry = try Registry(home: home)
        _ = try registry.apply(RepositorySpec(repository), allowBreaking: false)
        let client = RedisClient(url: try PrivateRedis.url(), options: .init(connections: 1, connectTimeout: .seconds(2), commandTimeout: .seconds(5)))
        let state = ServerState(registry: registry, client: client, configuration: ServerConfiguration(port: 0, maxRows: 16, maxBody: 4096),
                                repository: repository)
        try await state.reload()
        let now = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch / 1_000_000 * 1_000_000)
        let fixture = OnDemandFixture(project: project, home: home, repository: repository, registry: registry, client: client, state: state,
                                      offline: try OfflineStore(home: home, database: registry.database), now: now)
        try await fixture.writeRows()
        return fixture
    }

    /// The table above, online and offline.
    private func writeRows() async throws {
        let spec = RepositorySpec(repository)
        let lookup = OnlineLookup(spec: spec, store: state.store)
        let driverTimes = [now.adding(.hours(-1)), now.adding(.hours(-2)), now.adding(.days(-3))]
        let trips: [Value] = [.int32(12), .null, .int32(30)], rates: [Value] = [.float32(0.5), .float32(0.25), .float32(0.75)]
        let drivers = lookup.layout(of: try #require(spec.view("driver_stats")))
        try await state.store.write(drivers, rows: try OnlineRows(
            layout: drivers, entityKeys: [[.int64(1001)], [.int64(1002)], [.int64(1003)]], eventTimes: driverTimes,
            featureValues: zip(trips, rates).map { [$0, $1] }))
        let customers = lookup.layout(of: try #require(spec.view("customer_stats")))
        let customerTime = now.adding(.days(-1))
        try await state.store.write(customers, rows: try OnlineRows(
            layout: customers, entityKeys: [[.int64(5)]], eventTimes: [customerTime], featureValues: [[.float32(100.5)]]))

        let writer = OfflinePushWriter(store: offline, jobs: try JobLog(database: registry.database))
        try writer.commit(view: "driver_stats", rows: try ColumnBatch(
            schema: Schema([SchemaField(name: "driver_id", type: .int64), SchemaField(name: "event_timestamp", type: .timestamp),
                            SchemaField(name: "created", type: .timestamp), SchemaField(name: "avg_daily_trips", type: .int32),
                            SchemaField(name: "conv_rate", type: .float32)]),
            columns: [Column(int64: [1001, 1002, 1003]), Column(timestampMicros: driverTimes.map(\.microsecondsSinceEpoch)),
                      Column(timestampMicros: driverTimes.map(\.microsecondsSinceEpoch)),
                      try Column(type: .int32, values: trips), try Column(type: .float32, values: rates)]))
        try writer.commit(view: "customer_stats", rows: try ColumnBatch(
            schema: Schema([SchemaField(name: "customer_id", type: .int64), SchemaField(name: "event_timestamp", type: .timestamp),
                            SchemaField(name: "created", type: .timestamp), SchemaField(name: "current_balance", type: .float32)]),
            columns: [Column(int64: [5]), Column(timestampMicros: [customerTime.microsecondsSinceEpoch]),
                      Column(timestampMicros: [customerTime.microsecondsSinceEpoch]), Column(float32: [100.5])]))
    }

    func routerApplication() -> some ApplicationProtocol {
        Application(router: FeatureServer(state: state).router(),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "larder"))
    }

    func tearDown() {
        client.shutdown()
        try? FileManager.default.removeItem(atPath: home)
    }
}

/// Runs `body` with an on-demand fixture through Hummingbird's router test client, then tears it down.
func withOnDemandServer(_ body: @Sendable (OnDemandFixture, any TestClientProtocol) async throws -> Void) async throws {
    let fixture = try await OnDemandFixture.make()
    defer { fixture.tearDown() }
    try await fixture.routerApplication().test(.router) { client in try await body(fixture, client) }
}

extension JSONScalar {
    /// A numeric value as a `Double` (`nil` for null; strings and booleans fail the test).
    var double: Double? {
        switch self {
        case .null: return nil
        case .integer(let i): return Double(i)
        case .number(let d): return d
        case .bool, .string:
            Issue.record("\(self) is not a number")
            return nil
        }
    }
}
