import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderOnline
import LarderServer
import Testing

/// Health, readiness, metrics, an unreachable Redis, and the server on a real socket.
@Suite("serving: health, readiness, metrics, failures")
struct OperationalRoutesTests {
    @Test("/health answers 200; /ready answers 200 with the loaded registry version")
    func healthAndReady() async throws {
        try await withServer { _, client in
            let health = try await client.get("/health")
            #expect(health.status == .ok)
            #expect(health.text == "{\"status\":\"ok\"}\n")
            let ready = try await client.get("/ready")
            #expect(ready.status == .ok)
            #expect(ready.text == "{\"status\":\"ready\",\"registry_version\":1}\n")
        }
    }

    @Test("without a registry version, /ready and lookups answer 503 saying to run apply; /health still answers 200")
    func notReadyWithoutRegistry() async throws {
        try await withServer(registered: false, writeRows: false) { fixture, client in
            #expect(fixture.state.version == nil)
            let ready = try await client.get("/ready")
            #expect(ready.status == .serviceUnavailable)
            let notReady = try ready.decoded(as: ErrorBody.self).error
            #expect(notReady.code == "NOT_READY")
            #expect(notReady.message == "no registry version loaded (run `larder apply`)")

            let lookup = try await client.lookup(#"{"features": ["driver_hourly_stats:conv_rate"], "entities": {"driver_id": [1001]}}"#)
            #expect(lookup.status == .serviceUnavailable)
            let error = try lookup.decoded(as: ErrorBody.self).error
            #expect(error.code == "REGISTRY_NOT_LOADED")
            #expect(error.message == "no registered definitions in \(fixture.home): run `larder apply`, the server picks them up by itself")

            #expect(try await client.get("/health").status == .ok)
        }
    }

    @Test("with Redis down a lookup is a 503 ONLINE_STORE_UNAVAILABLE naming the address; the server keeps answering")
    func redisDown() async throws {
        let port = try closedLoopbackPort()
        let down = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port))
        try await withServer(redis: down, writeRows: false) { fixture, client in
            let body = #"{"feature_service": "driver_activity", "entities": {"driver_id": [1001, 1002]}}"#
            for attempt in 1...2 {
                let response = try await client.lookup(body)
                #expect(response.status == .serviceUnavailable, "attempt \(attempt): \(response.text)")
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[.retryAfter] == "1")
                let error = try response.decoded(as: ErrorBody.self).error
                #expect(error.code == "ONLINE_STORE_UNAVAILABLE")
                #expect(error.message.hasPrefix("the online store is not answering (Redis "))
                #expect(error.message.contains("127.0.0.1:\(port)"))
                #expect(error.message.hasSuffix("lookups resume by themselves when Redis is back"))
            }
            #expect(fixture.metrics.value(#"larder_redis_errors_total{kind="connection"}"#) == 2)
            #expect(fixture.metrics.value(#"larder_http_requests_total{route="/get-online-features",status="503"}"#) == 2)
            #expect(fixture.metrics.value("larder_entities_looked_up_total") == 0)

            let health = try await client.get("/health")
            #expect(health.status == .ok)
            #expect(health.text == "{\"status\":\"ok\"}\n")
            let ready = try await client.get("/ready")
            #expect(ready.status == .serviceUnavailable)
            let notReady = try ready.decoded(as: ErrorBody.self).error
            #expect(notReady.code == "NOT_READY")
            #expect(notReady.message.hasPrefix("Redis is not answering: "))
            #expect(notReady.message.contains("127.0.0.1:\(port)"))

            // Bad input is still a 400, not hidden behind the outage: it is checked before Redis is asked.
            let bad = try await client.lookup(#"{"features": ["nope:x"], "entities": {"driver_id": [1]}}"#)
            #expect(bad.status == .badRequest)
        }
    }

    @Test("/metrics counts requests by route and status, entities looked up and values by status")
    func metrics() async throws {
        try await withServer { fixture, client in
            let feast = #"{"features": ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips"], "entities": {"driver_id": [1001, 1002, 1003]}}"#
            #expect(try await client.lookup(feast).status == .ok)
            let rides = #"{"feature_service": "rides", "entities": {"customer_id": [5, 6], "driver_id": [1001, 1004]}}"#
            #expect(try await client.lookup(rides).status == .ok)
            #expect(try await client.lookup(#"{"features": ["nope:x"], "entities": {"driver_id": [1]}}"#).status == .badRequest)
            #expect(try await client.get("/health").status == .ok)

            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4")
            let lines = Set(response.text.split(separator: "\n").map(String.init))
            let expected = [
                "# TYPE larder_http_requests_total counter",
                #"larder_http_requests_total{route="/get-online-features",status="200"} 2"#,
                #"larder_http_requests_total{route="/get-online-features",status="400"} 1"#,
                #"larder_http_requests_total{route="/health",status="200"} 1"#,
                "larder_entities_looked_up_total 5",
                "larder_redis_round_trips_total 2",
                "larder_registry_reloads_total 1",
                // Feast body: conv [P P O], acc [P N O], trips [P P O]; rides: 4 features × [P, NOT_FOUND].
                #"larder_feature_values_total{status="PRESENT"} 9"#,
                #"larder_feature_values_total{status="NOT_FOUND"} 4"#,
                #"larder_feature_values_total{status="NULL_VALUE"} 1"#,
                #"larder_feature_values_total{status="OUTSIDE_MAX_AGE"} 3"#,
                "# TYPE larder_http_request_duration_seconds histogram",
                #"larder_http_request_duration_seconds_count{route="/get-online-features",status="200"} 2"#,
                #"larder_http_request_duration_seconds_bucket{route="/get-online-features",status="200",le="+Inf"} 2"#,
                #"larder_http_request_duration_seconds_count{route="/get-online-features",status="400"} 1"#,
            ]
            for line in expected { #expect(lines.contains(line), "missing: \(line)\n\(response.text)") }
            #expect(!lines.contains { $0.hasPrefix(#"larder_http_requests_total{route="/metrics""#) },
                    "a scrape is counted after it is rendered")

            let second = try await client.get("/metrics")
            #expect(second.text.contains(#"larder_http_requests_total{route="/metrics",status="200"} 1"#))
            #expect(fixture.metrics.value(#"larder_http_requests_total{route="/metrics",status="200"}"#) == 2)
        }
    }

    @Test("a live server on an ephemeral port answers a lookup over HTTP")
    func liveLookup() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.tearDown() }
        try await fixture.routerApplication().test(.live) { client in
            #expect(client.port.map { $0 > 0 } == true)
            let response = try await client.lookup(#"{"feature_service": "rides", "entities": {"driver_id": [1001], "customer_id": [5]}}"#)
            #expect(response.status == .ok, "\(response.text)")
            let answer = try response.decoded(as: FeastResponse.self)
            #expect(answer.featureNames == ["driver_id", "customer_id", "conv_rate", "avg_daily_trips", "current_balance", "segment"])
            #expect(answer.results.map(\.values) == [[.integer(1001)], [.integer(5)], [.number(0.5)], [.integer(12)], [.number(100.5)], [.string("gold")]])
            #expect(answer.results.flatMap(\.statuses) == Array(repeating: "PRESENT", count: 6))
        }
    }

    /// `larder serve` runs ``FeatureServer/application(extraServices:)``: the HTTP server and the
    /// registry reloader in one service group. On SIGTERM/SIGINT the group shuts its services down
    /// gracefully, one after the other, and waits for each to return; a reloader that ignores the
    /// graceful shutdown keeps the server process alive forever. The time limit turns that hang into
    /// a failure.
    @Test("the full application (server + registry reloader) stops on graceful shutdown", .timeLimit(.minutes(1)))
    func applicationShutsDownGracefully() async throws {
        let fixture = try await ServerFixture.make(writeRows: false)
        defer { fixture.tearDown() }
        let status = try await FeatureServer(state: fixture.state).application().test(.router) { client in
            try await client.get("/health").status
        }
        #expect(status == .ok)
    }
}
