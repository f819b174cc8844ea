import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderOffline
import LarderOnline
import LarderRegistry
import LarderServer
import LarderTestSupport
import Testing

@Suite("POST /materialize and GET /jobs/{id}")
struct JobRoutesTests {
    @Test("a materialization answers 202 with its job id, a busy view 409, and the job is readable")
    func materializeAndJobs() async throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let data = home + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try "driver_id,event_timestamp,created,conv_rate\n1001,2026-01-01T01:00:00Z,2026-01-01T01:01:00Z,0.5\n"
            .write(toFile: data + "/drivers.csv", atomically: true, encoding: .utf8)
        let driver = Entity("driver", joinKey: "driver_id")
        let source = Source.csv("drivers", path: "drivers.csv")
        let view = FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: source, fields: [Field("conv_rate", .float32)])
        let repository = FeatureRepository(project: uniqueProject(), entities: [driver], sources: [source], views: [view],
                                           services: [FeatureService("s", features: [view.allFeatures])])
        let registry = try Registry(home: home)
        _ = try registry.apply(RepositorySpec(repository), allowBreaking: false)
        let materializer = try Materializer(repository: repository, home: home, dataDirectory: data)
        let client = RedisClient(url: try PrivateRedis.url(), options: .init(connections: 1))
        defer { client.shutdown() }
        let state = ServerState(registry: registry, client: client, configuration: ServerConfiguration(), repository: repository,
                                materializer: materializer)
        let app = Application(router: FeatureServer(state: state).router())
        let json: HTTPFields = [.contentType: "application/json"]
        try await app.test(.router) { http in
            // Another run holds the view: refused with 409, naming the holder.
            try materializer.state.lock(views: ["driver_stats"], holder: "a test run")
            let busy = try await http.execute(uri: "/materialize", method: .post, headers: json,
                                              body: ByteBuffer(string: #"{"start_ts":"2026-01-01T00:00:00Z","end_ts":"2026-01-02T00:00:00Z"}"#))
            #expect(busy.status == .conflict)
            #expect(busy.text.contains("VIEW_BUSY"))
            #expect(busy.text.contains("a test run"))
            try materializer.state.unlock(views: ["driver_stats"])

            let accepted = try await http.execute(uri: "/materialize", method: .post, headers: json,
                                                  body: ByteBuffer(string: #"{"start_ts":"2026-01-01T00:00:00Z","end_ts":"2026-01-02T00:00:00Z","feature_views":["driver_stats"]}"#))
            #expect(accepted.status == .accepted)
            let ids = try #require(try JSONSerialization.jsonObject(with: Data(accepted.text.utf8)) as? [String: [Int]])["job_ids"]
            #expect(ids?.count == 1)
            let job = try await http.execute(uri: "/jobs/\(ids?.first ?? 0)", method: .get)
            #expect(job.status == .ok)
            #expect(job.text.contains(#""trigger":"http""#))
            #expect(job.text.contains(#""views":["driver_stats"]"#))
            #expect(job.text.contains(#""rowsLate":0"#), "late rows are reported (none for an explicit materialization)")

            let unknown = try await http.execute(uri: "/materialize", method: .post, headers: json, body: ByteBuffer(string: #"{"start_ts":"2026-01-01T00:00:00Z","feature_views":["nope"]}"#))
            #expect(unknown.status == .badRequest)
            #expect(try await http.execute(uri: "/jobs/999999", method: .get).status == .notFound)
            #expect(try await http.execute(uri: "/jobs/abc", method: .get).status == .badRequest)
        }
    }
}
