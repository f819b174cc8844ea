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
import LarderTraining
import Testing

/// A registry with two online views, a saved snapshot whose every row has its own driver and customer,
/// and the snapshot's feature values written online (fresh), so `/predict` can be compared with the
/// offline prediction of the same rows.
///
/// Views: `trips` (driver_id: `conv_rate` float32 with nulls, `avg_daily_trips` int32) and `accounts`
/// (customer_id: `segment` string with nulls, `balance` float64).
struct PredictFixture: Sendable {
    let home: String
    let registry: Registry
    let client: RedisClient
    let state: ServerState
    let spec: RepositorySpec
    let batch: ColumnBatch
    let input: SnapshotTrainingData
    static let lineage = ["trips:conv_rate", "trips:avg_daily_trips", "accounts:segment", "accounts:balance"]

    static func make(rows n: Int = 300) async throws -> PredictFixture {
        let url = try PrivateRedis.url()
        var generator = SystemRandomNumberGenerator()
        let project = "pred-\(String(generator.next() as UInt64, radix: 36))"
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("larder-predict-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let driver = Entity("driver", joinKey: "driver_id", type: .int64), customer = Entity("customer", joinKey: "customer_id", type: .int64)
        let source = Source.parquet("s", path: "s.parquet")
        let spec = RepositorySpec(FeatureRepository(
            project: project, entities: [driver, customer], sources: [source],
            views: [FeatureView("trips", entities: [driver], ttl: .days(1), source: source,
                                fields: [Field("conv_rate", .float32), Field("avg_daily_trips", .int32)]),
                    FeatureView("accounts", entities: [customer], ttl: .days(1), source: source,
                                fields: [Field("segment", .string), Field("balance", .float64)])],
            services: []))
        let registry = try Registry(home: home)
        _ = try registry.apply(spec, allowBreaking: false)
        let batch = try makeBatch(rows: n)
        let entityFile = home + "/orders.csv"
        _ = FileManager.default.createFile(atPath: entityFile, contents: Data("order_id\n".utf8))
        _ = try SnapshotStore(home: home, database: registry.database)
            .save(name: "orders", batch: batch, lineage: .init(registryVersion: 1, features: lineage, intervals: [:], entityFile: entityFile))
        let client = RedisClient(url: url, options: .init(connections: 1, connectTimeout: .seconds(2), commandTimeout: .seconds(5)))
        let state = ServerState(registry: registry, client: client, configuration: ServerConfiguration(maxRows: 1000))
        _ = try await state.reload()
        let input = try SnapshotTrainingData(batch: batch, lineage: lineage, label: "label")
        let fixture = PredictFixture(home: home, registry: registry, client: client, state: state, spec: spec, batch: batch, input: input)
        try await fixture.writeOnline()
        return fixture
    }

    /// Row i: driver 1000 + i, customer 5000 + i, features drawn from a seeded generator.
    static func makeBatch(rows n: Int) throws -> ColumnBatch {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var rate: [Float] = [], rateValid: [Bool] = [], trips: [Int32] = [], segment: [String?] = [], balance: [Double] = []
        var labels: [Int32] = [], times: [Int64] = []
        for _ in 0..<n {
            let r = Float(next()), t = Int32(next() * 30), s = Int(next() * 3), b = next() * 200 - 50
            rate.append(r)
            rateValid.append(next() > 0.1)
            trips.append(t)
            segment.append(next() < 0.05 ? nil : ["gold", "silver", "bronze"][s])
            balance.append(b)
            let z = 5 * (Double(r) - 0.5) + 0.08 * (Double(t) - 15) + (s == 0 ? 1 : 0) + 0.004 * b
            labels.append(next() < 1 / (1 + exp(-z)) ? 1 : 0)
            times.append(1_767_225_600_000_000 + Int64(next() * 2_000_000) * 1_000_000)
        }
        let schema = Schema([
            SchemaField(name: "driver_id", type: .int64), SchemaField(name: "customer_id", type: .int64),
            SchemaField(name: "event_timestamp", type: .timestamp), SchemaField(name: "label", type: .int32),
            SchemaField(name: "conv_rate", type: .float32), SchemaField(name: "avg_daily_trips", type: .int32),
            SchemaField(name: "segment", type: .string), SchemaField(name: "balance", type: .float64),
        ])
        return try ColumnBatch(schema: schema, columns: [
            Column(int64: (0..<n).map { 1000 + Int64($0) }), Column(int64: (0..<n).map { 5000 + Int64($0) }),
            Column(timestampMicros: times), Column(int32: labels),
            Column(float32: rate, validity: Bitmap(rateValid)), Column(int32: trips), Column(strings: segment), Column(float64: balance),
        ])
    }

    /// The snapshot's feature values, written online one hour ago under each row's own keys.
    private func writeOnline() async throws {
        let lookup = OnlineLookup(spec: spec, store: state.store)
        let n = batch.rowCount
        let time = Timestamp.now().adding(.hours(-1))
        for (view, key, columns) in [("trips", "driver_id", ["conv_rate", "avg_daily_trips"]), ("accounts", "customer_id", ["segment", "balance"])] {
            let layout = lookup.layout(of: try #require(spec.view(view)))
            let keys = batch.column(named: key)!
            try await state.store.write(layout, rows: try OnlineRows(
                layout: layout, entityKeys: (0..<n).map { [keys.value(at: $0)] }, eventTimes: Array(repeating: time, count: n),
                featureValues: (0..<n).map { r in columns.map { batch.column(named: $0)!.value(at: r) } }))
        }
    }

    func register(_ family: ModelFamily, name: String, promote: Bool = true) throws -> RegisteredModel {
        let service = try ModelService(home: home, database: registry.database)
        let model = try service.train(ModelService.Request(snapshot: "orders", label: "label", family: family, name: name,
                                                           seed: 5, iterations: family == .gbt ? 25 : nil)).model
        if promote { try service.registry.promote(name: name, version: model.version) }
        return model
    }

    func withRouter<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = Application(router: FeatureServer(state: state).router(),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "larder"))
        return try await app.test(.router) { client in try await body(client) }
    }

    func tearDown() {
        client.shutdown()
        try? FileManager.default.removeItem(atPath: home)
    }
}

/// The parts of a `/predict` answer the tests read.
struct PredictAnswer: Decodable {
    var model: String
    var version: Int
    var output: String
    var predictions: [Double]
    var features: Features
    var imputed: [Int]
    struct Features: Decodable {
        var names: [String]
        var statuses: [[String]]
    }
}

private func text(_ response: TestResponse) -> String { String(decoding: response.body.readableBytesView, as: UTF8.self) }

extension TestClientProtocol {
    func predict(_ body: String) async throws -> TestResponse {
        try await execute(uri: "/predict", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }
}

func entitiesJSON(drivers: [Int], customers: [Int]) -> String {
    "{\"driver_id\":[\(drivers.map(String.init).joined(separator: ","))],\"customer_id\":[\(customers.map(String.init).joined(separator: ","))]}"
}

@Suite struct PredictTests {
    /// Parity: the prediction served from online values equals the offline prediction of the same rows, exactly.
    @Test(arguments: [ModelFamily.logistic, .gbt])
    func servedPredictionsEqualOfflinePredictions(family: ModelFamily) async throws {
        let fixture = try await PredictFixture.make()
        defer { fixture.tearDown() }
        let model = try fixture.register(family, name: "parity_\(family.rawValue)")
        let artifact = try await ModelRegistry(home: fixture.home, database: fixture.registry.database).loadArtifact(of: model)
        let offline = try artifact.predict(fixture.input.data)
        let n = fixture.batch.rowCount
        let answer = try await fixture.withRouter { client in
            let response = try await client.predict("{\"model\":\"\(model.name)\",\"entities\":\(entitiesJSON(drivers: (0..<n).map { 1000 + $0 }, customers: (0..<n).map { 5000 + $0 }))}")
            #expect(response.status == .ok, "\(text(response))")
            return try JSONDecoder().decode(PredictAnswer.self, from: Data(response.body.readableBytesView))
        }
        #expect(answer.model == model.name && answer.version == model.version && answer.output == "probability")
        #expect(answer.features.names == ["conv_rate", "avg_daily_trips", "segment", "balance"])
        #expect(answer.predictions.count == n)
        let mismatches = (0..<n).filter { answer.predictions[$0] != offline[$0] }
        #expect(mismatches.isEmpty, "rows \(mismatches.prefix(5)): served \(mismatches.prefix(5).map { answer.predictions[$0] }) vs offline \(mismatches.prefix(5).map { offline[$0] })")
        // Nulls in the snapshot are NULL_VALUE online and imputed on both sides.
        let rate = fixture.batch.column(named: "conv_rate")!
        for r in 0..<n {
            #expect((answer.features.statuses[r][0] == "NULL_VALUE") == rate.isNull(r))
        }
        #expect(answer.imputed == (0..<n).map { r in (rate.isNull(r) ? 1 : 0) + (fixture.batch.column(named: "segment")!.isNull(r) ? 1 : 0) })
    }

    @Test func missingEntitiesGetTheStoredImputationAndAreReported() async throws {
        let fixture = try await PredictFixture.make(rows: 60)
        defer { fixture.tearDown() }
        let model = try fixture.register(.logistic, name: "imputed")
        let artifact = try await ModelRegistry(home: fixture.home, database: fixture.registry.database).loadArtifact(of: model)
        let answer = try await fixture.withRouter { client in
            let response = try await client.predict("{\"model\":\"imputed@1\",\"entities\":\(entitiesJSON(drivers: [1000, 99, 98], customers: [1, 5000, 2]))}")
            #expect(response.status == .ok)
            return try JSONDecoder().decode(PredictAnswer.self, from: Data(response.body.readableBytesView))
        }
        let column = { (name: String) in fixture.batch.column(named: name)! }
        #expect(answer.features.statuses[0][1...] == ["PRESENT", "NOT_FOUND", "NOT_FOUND"])
        #expect(answer.features.statuses[1][0...1] == ["NOT_FOUND", "NOT_FOUND"] && answer.features.statuses[1][3] == "PRESENT")
        #expect(answer.features.statuses[2] == ["NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"])
        #expect(answer.imputed[0] == 2 + (column("conv_rate").isNull(0) ? 1 : 0))
        #expect(answer.imputed[2] == 4)
        // Missing inputs take the stored imputation: the same as leaving them out of a row.
        #expect(answer.predictions[0] == (try artifact.predict(row: ["conv_rate": column("conv_rate").value(at: 0),
                                                                     "avg_daily_trips": column("avg_daily_trips").value(at: 0)])))
        #expect(answer.predictions[1] == (try artifact.predict(row: ["segment": column("segment").value(at: 0),
                                                                     "balance": column("balance").value(at: 0)])))
        #expect(answer.predictions[2] == (try artifact.predict(row: [:])))
    }

    @Test func productionAndPinnedVersionsAndErrors() async throws {
        let fixture = try await PredictFixture.make(rows: 80)
        defer { fixture.tearDown() }
        _ = try fixture.register(.logistic, name: "trips", promote: false)
        let v2 = try fixture.register(.gbt, name: "trips", promote: true)
        try await fixture.withRouter { client in
            let entities = entitiesJSON(drivers: [1001], customers: [5001])
            let production = try JSONDecoder().decode(PredictAnswer.self, from: Data(try await client.predict("{\"model\":\"trips\",\"entities\":\(entities)}").body.readableBytesView))
            #expect(production.version == v2.version)
            let pinned = try JSONDecoder().decode(PredictAnswer.self, from: Data(try await client.predict("{\"model\":\"trips@1\",\"entities\":\(entities)}").body.readableBytesView))
            #expect(pinned.version == 1)
            #expect(pinned.predictions != production.predictions)

            for (body, status, code) in [
                ("{\"model\":\"ghost\",\"entities\":\(entities)}", HTTPResponse.Status.notFound, "MODEL_NOT_FOUND"),
                ("{\"model\":\"trips@9\",\"entities\":\(entities)}", .notFound, "MODEL_NOT_FOUND"),
                ("{\"model\":\"trips@x\",\"entities\":\(entities)}", .badRequest, "INVALID_MODEL_REFERENCE"),
                ("{\"model\":\"trips\",\"entities\":{\"driver_id\":[1001]}}", .badRequest, "MISSING_JOIN_KEY"),
                ("{\"model\":\"trips\",\"entities\":{\"driver_id\":[1001],\"customer_id\":[5001],\"x\":[1]}}", .badRequest, "UNEXPECTED_JOIN_KEY"),
                ("{\"entities\":\(entities)}", .badRequest, "INVALID_REQUEST"),
                ("{\"model\":", .badRequest, "MALFORMED_JSON"),
            ] {
                let response = try await client.predict(body)
                #expect(response.status == status, "\(body)")
                #expect(text(response).contains("\"code\":\"\(code)\""), "\(body): \(text(response))")
            }
        }
    }

    @Test func aModelWithoutAProductionVersionIsA404() async throws {
        let fixture = try await PredictFixture.make(rows: 40)
        defer { fixture.tearDown() }
        _ = try fixture.register(.logistic, name: "staged", promote: false)
        try await fixture.withRouter { client in
            let response = try await client.predict("{\"model\":\"staged\",\"entities\":\(entitiesJSON(drivers: [1000], customers: [5000]))}")
            #expect(response.status == .notFound)
            #expect(text(response).contains("NO_PRODUCTION_VERSION"))
            #expect(text(response).contains("larder models promote staged@VERSION"))
        }
    }
}
