import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderOnline
import LarderRegistry
import LarderServer
import LarderTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A project name no other test uses: every Redis key starts with `larder:<project>:`, so tests
/// running in parallel on one server never see each other's rows.
func uniqueProject() -> String {
    var generator = SystemRandomNumberGenerator()
    return "srv-\(String(generator.next() as UInt64, radix: 36))"
}

/// A loopback TCP port nothing listens on: bound to get a free port from the kernel, then closed
/// without listening, so connecting to it is refused at once.
func closedLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0, "socket() failed: errno \(errno)")
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0
        }
    }
    try #require(bound, "bind() to 127.0.0.1:0 failed: errno \(errno)")
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A fresh temporary directory path (created), for one registry.
func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("larder-server-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The repository the server tests register: Feast's local template (`driver_hourly_stats` and the
/// `driver_activity` service, so request bodies from Feast's documentation apply unchanged) beside
/// the rides example's customer view, a view kept offline only, and a service over both online views.
enum ServerTestRepository {
    static let driver = Entity("driver", joinKey: "driver_id", type: .int64)
    static let customer = Entity("customer", joinKey: "customer_id", type: .int64)
    static let driverSource = Source.parquet("driver_hourly_stats", path: "driver_stats.parquet")
    static let customerSource = Source.parquet("customer_stats", path: "customer_stats.parquet")

    /// `extraFields` are appended, as a later `apply` adding features would.
    static func driverStats(extraFields: [Field] = []) -> FeatureView {
        FeatureView("driver_hourly_stats", entities: [driver], ttl: .days(1), source: driverSource,
                    fields: [Field("conv_rate", .float32), Field("acc_rate", .float32), Field("avg_daily_trips", .int64)] + extraFields)
    }
    static let customerStats = FeatureView(
        "customer_stats", entities: [customer], ttl: .days(2), source: customerSource,
        fields: [Field("current_balance", .float32), Field("avg_passenger_count", .float64),
                 Field("lifetime_trip_count", .int32), Field("segment", .string)])
    static let driverHistory = FeatureView(
        "driver_history", entities: [driver], ttl: nil, source: driverSource,
        fields: [Field("conv_rate", .float32)], online: false)

    static func spec(project: String, driverExtraFields: [Field] = []) -> RepositorySpec {
        let drivers = Self.driverStats(extraFields: driverExtraFields)
        return RepositorySpec(FeatureRepository(
            project: project, entities: [driver, customer], sources: [driverSource, customerSource],
            views: [drivers, customerStats, driverHistory],
            services: [
                FeatureService("driver_activity", features: [drivers.allFeatures]),
                FeatureService("rides", features: [drivers.features("conv_rate", "avg_daily_trips"),
                                                   customerStats.features("current_balance", "segment")]),
            ]))
    }
}

/// One server over a fresh registry and its own Redis key space, with known rows written:
///
/// | driver_id | conv_rate | acc_rate | avg_daily_trips | event time        | served as        |
/// |-----------|-----------|----------|-----------------|-------------------|------------------|
/// | 1001      | 0.5       | 0.25     | 12              | now − 1 h         | PRESENT          |
/// | 1002      | 0.75      | null     | 7               | now − 2 h         | acc_rate NULL    |
/// | 1003      | 0.125     | 0.5      | 3               | now − 3 days      | OUTSIDE_MAX_AGE  |
/// | 1004      | (no row)  |          |                 |                   | NOT_FOUND        |
///
/// Customer 5: balance 100.5, passengers 1.25, trips 42, segment "gold" at now − 1 day (ttl 2 days);
/// customer 6 has no row.
struct ServerFixture: Sendable {
    let project: String
    let home: String
    let registry: Registry
    let client: RedisClient
    let state: ServerState
    let metrics: ServerMetrics
    /// Whole seconds, so event times print exactly with the response's 0 fractional digits.
    let now: Timestamp

    var driverTimes: [Timestamp] { [now.adding(.hours(-1)), now.adding(.hours(-2)), now.adding(.days(-3))] }
    var customerTime: Timestamp { now.adding(.days(-1)) }

    /// - Parameters:
    ///   - registered: whether a registry version is applied (and loaded) before serving.
    ///   - redis: the server's Redis; the private test server when `nil`.
    ///   - writeRows: whether to write the table above.
    static func make(configuration: ServerConfiguration = ServerConfiguration(maxRows: 3, maxBody: 2048),
                     registered: Bool = true, redis: RedisURL? = nil, writeRows: Bool = true) async throws -> ServerFixture {
        let project = uniqueProject()
        let home = try temporaryDirectory()
        let registry = try Registry(home: home)
        let spec = ServerTestRepository.spec(project: project)
        if registered { _ = try registry.apply(spec, allowBreaking: false) }
        let client = RedisClient(url: try redis ?? PrivateRedis.url(),
                                 options: .init(connections: 1, connectTimeout: .seconds(2), commandTimeout: .seconds(5)))
        let metrics = ServerMetrics()
        let state = ServerState(registry: registry, client: client, configuration: configuration, metrics: metrics)
        let loaded = try await state.reload()
        #expect(loaded == registered)
        let now = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch / 1_000_000 * 1_000_000)
        let fixture = ServerFixture(project: project, home: home, registry: registry, client: client, state: state, metrics: metrics, now: now)
        if writeRows { try await fixture.writeKnownRows(spec: spec) }
        return fixture
    }

    private func writeKnownRows(spec: RepositorySpec) async throws {
        let lookup = OnlineLookup(spec: spec, store: state.store)
        let drivers = lookup.layout(of: try #require(spec.view("driver_hourly_stats")))
        try await state.store.write(drivers, rows: try OnlineRows(
            layout: drivers, entityKeys: [[.int64(1001)], [.int64(1002)], [.int64(1003)]], eventTimes: driverTimes,
            featureValues: [
                [.float32(0.5), .float32(0.25), .int64(12)],
                [.float32(0.75), .null, .int64(7)],
                [.float32(0.125), .float32(0.5), .int64(3)],
            ]))
        let customers = lookup.layout(of: try #require(spec.view("customer_stats")))
        try await state.store.write(customers, rows: try OnlineRows(
            layout: customers, entityKeys: [[.int64(5)]], eventTimes: [customerTime],
            featureValues: [[.float32(100.5), .float64(1.25), .int32(42), .string("gold")]]))
    }

    /// The server's routes without the registry reloader service (the fixture loads the registry
    /// itself); ``FeatureServer/application(extraServices:)`` is tested on its own.
    func routerApplication() -> some ApplicationProtocol {
        Application(router: FeatureServer(state: state).router(),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "larder"))
    }

    func tearDown() {
        client.shutdown()
        try? FileManager.default.removeItem(atPath: home)
    }
}

/// Runs `body` with a fixture through Hummingbird's router test client, then tears the fixture down.
func withServer<T: Sendable>(configuration: ServerConfiguration = ServerConfiguration(maxRows: 3, maxBody: 2048),
                             registered: Bool = true, redis: RedisURL? = nil, writeRows: Bool = true,
                             _ body: @Sendable (ServerFixture, any TestClientProtocol) async throws -> T) async throws -> T {
    let fixture = try await ServerFixture.make(configuration: configuration, registered: registered, redis: redis, writeRows: writeRows)
    defer { fixture.tearDown() }
    return try await fixture.routerApplication().test(.router) { client in try await body(fixture, client) }
}

extension TestClientProtocol {
    /// `POST /get-online-features` with `body`; `contentType: nil` sends no Content-Type.
    func lookup(_ body: String, contentType: String? = "application/json") async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: "/get-online-features", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }
}

extension TestResponse {
    var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }
}
