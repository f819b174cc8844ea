import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderColumnar
import LarderOffline
import LarderOnline
import LarderRegistry
import LarderServer
import Testing

/// On-demand views at lookup time (`POST /get-online-features`) and in training sets, over the same rows.
@Suite("on-demand views: lookups, training sets, request errors")
struct OnDemandLookupTests {
    /// Entity rows covering every input case: fresh, a null feature, an expired driver row, a driver and a
    /// customer not found, a null distance, a distance under the 0.1 floor.
    static let drivers: [Int64] = [1001, 1002, 1003, 1004, 1001, 1001]
    static let customers: [Int64] = [5, 5, 6, 5, 6, 5]
    static let distances: [Double?] = [3.2, 0.05, 10, 2, nil, 0]

    /// The rides formulas, computed here by hand from the fixture's table.
    static let expectedPerKm: [Double?] = [12 / 3.2, nil, nil, nil, nil, 12 / 0.1]
    static let expectedBalance: [Double?] = [100.5 - 2.5 * 3.2, 100.5 - 2.5 * 0.05, nil, 100.5 - 2.5 * 2, nil, 100.5]

    static func json(_ values: [Double?]) -> String {
        "[" + values.map { $0.map { String($0) } ?? "null" }.joined(separator: ",") + "]"
    }

    static var entitiesJSON: String {
        #""driver_id":\#(drivers),"customer_id":\#(customers)"#.replacingOccurrences(of: " ", with: "")
    }

    @Test("a lookup computes the outputs from request values and the rows read, and the training set computes the same values")
    func lookupEqualsTrainingSet() async throws {
        try await withOnDemandServer { fixture, client in
            let response = try await client.lookup(#"{"feature_service":"trips","entities":{\#(Self.entitiesJSON),"distance_km":\#(Self.json(Self.distances))}}"#)
            #expect(response.status == .ok, "\(response.text)")
            let answer = try response.decoded(as: FeastResponse.self)
            #expect(answer.featureNames == ["driver_id", "customer_id", "distance_km", "conv_rate", "expected_trips_per_km", "balance_after_fare"])
            let perKm = try #require(answer.column("expected_trips_per_km"))
            let balance = try #require(answer.column("balance_after_fare"))
            #expect(perKm.values.map(\.double) == Self.expectedPerKm)
            #expect(balance.values.map(\.double) == Self.expectedBalance)
            #expect(perKm.statuses == Self.expectedPerKm.map { $0 == nil ? "NULL_VALUE" : "PRESENT" })
            #expect(balance.statuses == Self.expectedBalance.map { $0 == nil ? "NULL_VALUE" : "PRESENT" })
            #expect(perKm.eventTimestamps.allSatisfy { $0 == epoch })

            // The same entity rows at the lookup's time, through the point-in-time join.
            let entities = try ColumnBatch(
                schema: Schema([SchemaField(name: "driver_id", type: .int64), SchemaField(name: "customer_id", type: .int64),
                                SchemaField(name: "event_timestamp", type: .timestamp), SchemaField(name: "distance_km", type: .float64)]),
                columns: [Column(int64: Self.drivers), Column(int64: Self.customers),
                          Column(timestampMicros: Array(repeating: Timestamp.now().microsecondsSinceEpoch, count: Self.drivers.count)),
                          try Column(type: .float64, values: Self.distances.map { $0.map(Value.float64) ?? .null })])
            let spec = RepositorySpec(fixture.repository)
            let training = try TrainingSetBuilder(repository: fixture.repository, store: fixture.offline)
                .build(entities: entities, features: try #require(spec.service("trips")).features, fullNames: false, entityFile: "rows.parquet")
            #expect(training.batch.schema.names == ["driver_id", "customer_id", "event_timestamp", "distance_km", "conv_rate",
                                                    "expected_trips_per_km", "balance_after_fare"])
            let trainedPerKm = try #require(training.batch.column(named: "expected_trips_per_km"))
            let trainedBalance = try #require(training.batch.column(named: "balance_after_fare"))
            let rows = 0..<Self.drivers.count
            #expect(rows.map { trainedPerKm.value(at: $0).doubleValue } == perKm.values.map(\.double))
            #expect(rows.map { trainedBalance.value(at: $0).doubleValue } == balance.values.map(\.double))
            #expect(rows.map { training.batch.column(named: "conv_rate")!.value(at: $0).doubleValue }
                    == answer.column("conv_rate")!.values.map(\.double))
        }
    }

    @Test("request values in request_context give the same answer, and are not echoed as columns")
    func requestContextForm() async throws {
        try await withOnDemandServer { _, client in
            let response = try await client.lookup(
                #"{"features":["trip_request:balance_after_fare","trip_request:expected_trips_per_km"],"entities":{\#(Self.entitiesJSON)},"request_context":{"distance_km":\#(Self.json(Self.distances))}}"#)
            #expect(response.status == .ok, "\(response.text)")
            let answer = try response.decoded(as: FeastResponse.self)
            #expect(answer.featureNames == ["driver_id", "customer_id", "balance_after_fare", "expected_trips_per_km"])
            #expect(answer.column("balance_after_fare")?.values.map(\.double) == Self.expectedBalance)
            #expect(answer.column("expected_trips_per_km")?.values.map(\.double) == Self.expectedPerKm)
        }
    }

    @Test("a lookup without on-demand features answers as before, with request_context absent")
    func plainLookupUnchanged() async throws {
        try await withOnDemandServer { _, client in
            let response = try await client.lookup(#"{"feature_service":"plain","entities":{"driver_id":[1001,1004]}}"#)
            #expect(response.status == .ok)
            let answer = try response.decoded(as: FeastResponse.self)
            #expect(answer.featureNames == ["driver_id", "conv_rate"])
            #expect(answer.results[1].statuses == ["PRESENT", "NOT_FOUND"])
        }
    }

    struct BadRequest: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var status: HTTPResponse.Status = .badRequest
        var code: String
        var mentions: [String]
        var testDescription: String { name }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(name: "missing request field", body: #"{"feature_service":"trips","entities":{"driver_id":[1001],"customer_id":[5]}}"#,
                   code: "MISSING_REQUEST_FIELD", mentions: ["request field distance_km", "on-demand view trip_request", "request_context"]),
        BadRequest(name: "missing request field, features form",
                   body: #"{"features":["trip_request:balance_after_fare"],"entities":{"driver_id":[1001],"customer_id":[5]},"request_context":{}}"#,
                   code: "MISSING_REQUEST_FIELD", mentions: ["distance_km", "trip_request"]),
        BadRequest(name: "a string for a float64 request field in entities",
                   body: #"{"feature_service":"trips","entities":{"driver_id":[1001],"customer_id":[5],"distance_km":["far"]}}"#,
                   code: "INVALID_REQUEST_VALUE", mentions: [#"value "far" at position 0 of request field distance_km"#, "float64", "trip_request"]),
        BadRequest(name: "a boolean for a float64 request field in request_context",
                   body: #"{"feature_service":"trips","entities":{"driver_id":[1001,1002],"customer_id":[5,5]},"request_context":{"distance_km":[1,true]}}"#,
                   code: "INVALID_REQUEST_VALUE", mentions: ["value true at position 1 of request field distance_km"]),
        BadRequest(name: "request_context with fewer values than entity rows",
                   body: #"{"feature_service":"trips","entities":{"driver_id":[1001,1002],"customer_id":[5,5]},"request_context":{"distance_km":[1]}}"#,
                   code: "INVALID_ENTITIES", mentions: ["request_context.distance_km has 1 values for 2 entity rows"]),
        BadRequest(name: "the request field given twice",
                   body: #"{"feature_service":"trips","entities":{"driver_id":[1001],"customer_id":[5],"distance_km":[1]},"request_context":{"distance_km":[1]}}"#,
                   code: "INVALID_REQUEST", mentions: ["distance_km", "both"]),
        BadRequest(name: "an unknown request_context key",
                   body: #"{"feature_service":"trips","entities":{"driver_id":[1001],"customer_id":[5]},"request_context":{"distance_km":[1],"speed":[3]}}"#,
                   code: "UNEXPECTED_REQUEST_FIELD", mentions: ["speed", "distance_km"]),
        BadRequest(name: "an object as a request value",
                   body: #"{"feature_service":"trips","entities":{"driver_id":[1001],"customer_id":[5]},"request_context":{"distance_km":[{"km":1}]}}"#,
                   code: "INVALID_REQUEST", mentions: ["request_context.distance_km[0]"]),
        BadRequest(name: "the code refuses a negative distance",
                   body: #"{"feature_service":"trips","entities":{"driver_id":[1001],"customer_id":[5],"distance_km":[-1]}}"#,
                   code: "ON_DEMAND_REFUSED", mentions: ["on-demand view trip_request", "distance_km is negative in row 0"]),
        BadRequest(name: "an unknown output", body: #"{"features":["trip_request:fare"],"entities":{"driver_id":[1001]}}"#,
                   code: "UNKNOWN_FEATURE", mentions: ["on-demand view trip_request has no output \"fare\""]),
    ]

    @Test("bad request values are answered 400 naming the field and the view", arguments: badRequests)
    func badRequest(_ bad: BadRequest) async throws {
        try await withOnDemandServer { _, client in
            let response = try await client.lookup(bad.body)
            #expect(response.status == bad.status, "\(response.text)")
            let error = try response.decoded(as: ErrorBody.self).error
            #expect(error.code == bad.code, "\(error.message)")
            for text in bad.mentions { #expect(error.message.contains(text), "\(error.message)") }
        }
    }

    @Test("a training set whose entity rows lack a request field's column names the column, the view and the file")
    func trainingSetMissingColumn() async throws {
        let fixture = try await OnDemandFixture.make()
        defer { fixture.tearDown() }
        let entities = try ColumnBatch(
            schema: Schema([SchemaField(name: "driver_id", type: .int64), SchemaField(name: "customer_id", type: .int64),
                            SchemaField(name: "event_timestamp", type: .timestamp)]),
            columns: [Column(int64: [1001]), Column(int64: [5]), Column(timestampMicros: [fixture.now.microsecondsSinceEpoch])])
        let builder = TrainingSetBuilder(repository: fixture.repository, store: fixture.offline)
        let error = try #require(throws: TrainingSetError.self) {
            try builder.build(entities: entities, features: [FeatureReference(view: "trip_request", feature: "balance_after_fare")],
                              fullNames: false, entityFile: "data/orders.parquet")
        }
        #expect(error.description.contains("entity file data/orders.parquet has no distance_km column"), "\(error)")
        #expect(error.description.contains("on-demand view trip_request"), "\(error)")
    }

    @Test("the event-loop lookup path (larder serve's) answers on-demand lookups and their errors as the router does")
    func eventLoopPathMatchesRouter() async throws {
        let fixture = try await OnDemandFixture.make()
        defer { fixture.tearDown() }
        let bodies = [
            #"{"feature_service":"trips","entities":{\#(Self.entitiesJSON),"distance_km":\#(Self.json(Self.distances))}}"#,
            #"{"features":["trip_request:balance_after_fare"],"entities":{\#(Self.entitiesJSON)},"request_context":{"distance_km":\#(Self.json(Self.distances))}}"#,
        ] + Self.badRequests.map(\.body)
        let routed = try await fixture.routerApplication().test(.router) { client in
            var answers: [String] = []
            for body in bodies { answers.append(try await client.lookup(body).text) }
            return answers
        }
        #expect(fixture.state.configuration.lookupsOnEventLoop)
        try await FeatureServer(state: fixture.state).application().test(.live) { client in
            for (body, expected) in zip(bodies, routed) {
                let response = try await client.lookup(body)
                #expect(response.text == expected, "\(body)")
            }
        }
    }

    @Test("a server whose compiled on-demand view differs from the registered one refuses its features, 500")
    func compiledDiffersFromRegistered() async throws {
        let fixture = try await OnDemandFixture.make()
        defer { fixture.tearDown() }
        let bumped = OnDemandView("trip_request", version: 2, request: OnDemandFixture.tripRequest.request,
                                  sources: OnDemandFixture.tripRequest.sources, outputs: OnDemandFixture.tripRequest.outputs) { _ in }
        let other = FeatureRepository(project: fixture.project, entities: fixture.repository.entities, sources: fixture.repository.sources,
                                      views: fixture.repository.views, onDemandViews: [bumped], services: [])
        let state = ServerState(registry: fixture.registry, client: fixture.client, configuration: ServerConfiguration(), repository: other)
        try await state.reload()
        let app = Application(router: FeatureServer(state: state).router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.router) { client in
            let response = try await client.lookup(#"{"features":["trip_request:balance_after_fare"],"entities":{"driver_id":[1001],"customer_id":[5],"distance_km":[1]}}"#)
            #expect(response.status == .internalServerError)
            let error = try response.decoded(as: ErrorBody.self).error
            #expect(error.code == "ON_DEMAND_UNAVAILABLE")
            #expect(error.message.contains("trip_request@2 differs from the registered trip_request@1"), "\(error.message)")
        }
    }
}
