import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderOnline
import LarderServer
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `POST /get-online-features` answered inside the HTTP pipeline (`OnlineFeaturesChannelHandler`), as
/// `larder serve` runs it: the same answers as the router, requests on one connection in order.
@Suite("get-online-features on the event loop")
struct EventLoopLookupTests {
    static let configuration = ServerConfiguration(port: 0, maxRows: 3, maxBody: 2048)

    /// The whole application (`larder serve`'s) on an ephemeral port over a fresh fixture.
    static func withLiveServer(_ body: @Sendable (ServerFixture, any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try await ServerFixture.make(configuration: configuration)
        defer { fixture.tearDown() }
        try await FeatureServer(state: fixture.state).application().test(.live) { client in try await body(fixture, client) }
    }

    /// Lookups that are answered 200: every status, both ways of naming features, several rows.
    static let answered: [String] = [
        #"{"feature_service": "rides", "entities": {"driver_id": [1001], "customer_id": [5]}}"#,
        #"{"features": ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips"], "entities": {"driver_id": [1001, 1002, 1003]}}"#,
        #"{"features": ["customer_stats:segment", "driver_hourly_stats:conv_rate"], "entities": {"customer_id": [5, 6], "driver_id": [9999, 1001]}, "full_feature_names": true}"#,
        #"{"feature_service": "driver_activity", "entities": {"driver_id": [1002]}}"#,
    ]

    @Test("answers every lookup and every refusal byte for byte as the router does")
    func sameAnswersAsTheRouter() async throws {
        let fixture = try await ServerFixture.make(configuration: Self.configuration)
        defer { fixture.tearDown() }
        var routerConfiguration = Self.configuration
        routerConfiguration.lookupsOnEventLoop = false
        let routed = ServerState(registry: fixture.registry, client: fixture.client, configuration: routerConfiguration, metrics: ServerMetrics())
        try await routed.reload()
        // Refusals that close the connection get their own test: these clients hold one connection each.
        let cases: [(name: String, body: String, contentType: String?)] =
            Self.answered.enumerated().map { ("answered \($0.offset)", $0.element, "application/json") }
            + BadRequestCase.all.filter { !$0.closesConnection }.map { ($0.name, $0.body, $0.contentType) }
            + [("content type in capitals", Self.answered[0], "Application/JSON; charset=UTF-8"),
               ("a +json content type", Self.answered[0], "application/vnd.larder+json")]
        try await FeatureServer(state: fixture.state).application().test(.live) { onLoop in
            try await FeatureServer(state: routed).application().test(.live) { router in
                for (name, body, contentType) in cases {
                    let fast = try await onLoop.lookup(body, contentType: contentType)
                    let routed = try await router.lookup(body, contentType: contentType)
                    #expect(fast.status == routed.status, "\(name): \(fast.text)")
                    #expect(fast.text == routed.text, "\(name)")
                    #expect(fast.headers[.contentType] == "application/json", "\(name)")
                    #expect(fast.headers[.server] == "larder", "\(name)")
                }
            }
        }
        #expect(fixture.metrics.value("larder_lookups_on_event_loop_total") == Double(cases.count))
        #expect(routed.metrics.value("larder_lookups_on_event_loop_total") == 0)
        // The answered lookups read Redis through the loops' own connections, not the pooled client.
        #expect(fixture.state.loopRedis?.pipelinesSent == Self.answered.count + 2)
        #expect(routed.loopRedis == nil)
        #expect(fixture.metrics.value(#"larder_http_requests_total{route="/get-online-features",status="200"}"#) == Double(Self.answered.count + 2))
        #expect(fixture.metrics.value("larder_entities_looked_up_total") == routed.metrics.value("larder_entities_looked_up_total"))
        #expect(fixture.metrics.value(#"larder_feature_values_total{status="OUTSIDE_MAX_AGE"}"#) == 3)
    }

    @Test("lookups of one feature list with the join keys in either order each get their own compiled shape")
    func shapesFollowTheRequest() async throws {
        let fixture = try await ServerFixture.make(configuration: Self.configuration)
        defer { fixture.tearDown() }
        let features = #""features": ["customer_stats:segment", "driver_hourly_stats:avg_daily_trips"]"#
        let driverFirst = #"{\#(features), "entities": {"driver_id": [1001], "customer_id": [5]}}"#
        let customerFirst = #"{\#(features), "entities": {"customer_id": [5], "driver_id": [1002]}}"#
        try await FeatureServer(state: fixture.state).application().test(.live) { client in
            for _ in 1...3 {
                let a = try await client.lookup(driverFirst).decoded(as: FeastResponse.self)
                #expect(a.featureNames == ["driver_id", "customer_id", "segment", "avg_daily_trips"])
                #expect(a.results.map(\.values) == [[.integer(1001)], [.integer(5)], [.string("gold")], [.integer(12)]])
                let b = try await client.lookup(customerFirst).decoded(as: FeastResponse.self)
                #expect(b.featureNames == ["customer_id", "driver_id", "segment", "avg_daily_trips"])
                #expect(b.results.map(\.values) == [[.integer(5)], [.integer(1002)], [.string("gold")], [.integer(7)]])
            }
        }
    }

    @Test("with Redis down the event-loop path answers 503 as the router does, and recovers nothing it should not")
    func redisDown() async throws {
        let down = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: try closedLoopbackPort()))
        let fixture = try await ServerFixture.make(configuration: Self.configuration, redis: down, writeRows: false)
        defer { fixture.tearDown() }
        try await FeatureServer(state: fixture.state).application().test(.live) { client in
            let response = try await client.lookup(Self.answered[0])
            #expect(response.status == .serviceUnavailable, "\(response.text)")
            #expect(try response.decoded(as: ErrorBody.self).error.code == "ONLINE_STORE_UNAVAILABLE")
            #expect(try await client.get("/health").status == .ok)
        }
        #expect(fixture.metrics.value(#"larder_redis_errors_total{kind="connection"}"#) == 1)
        #expect(fixture.metrics.value("larder_lookups_on_event_loop_total") == 1)
    }

    @Test("requests pipelined on one connection are answered in order, lookups and routed requests mixed")
    func pipelinedRequestsInOrder() async throws {
        try await Self.withLiveServer { fixture, client in
            let port = try #require(client.port)
            func lookup(_ driver: String) -> String {
                let body = #"{"features": ["driver_hourly_stats:avg_daily_trips"], "entities": {"driver_id": [\#(driver)]}}"#
                return "POST /get-online-features HTTP/1.1\r\nHost: larder\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            }
            let health = "GET /health HTTP/1.1\r\nHost: larder\r\n\r\n"
            let requests = [lookup("1001"), health, lookup("1002"), lookup("\"x\""), health, health, lookup("1003")]
            let responses = try await RawHTTPConnection.exchange(port: port, sending: requests.joined(), expecting: requests.count)
            #expect(responses.map(\.status) == [200, 200, 200, 400, 200, 200, 200])
            #expect(responses[0].body.contains(#"{"values":[12]"#), "\(responses[0].body)")
            #expect(responses[1].body == "{\"status\":\"ok\"}\n")
            #expect(responses[2].body.contains(#"{"values":[7]"#), "\(responses[2].body)")
            #expect(responses[3].body.contains("INVALID_ENTITY_VALUE"), "\(responses[3].body)")
            #expect(responses[6].body.contains(#""statuses":["OUTSIDE_MAX_AGE"]"#), "\(responses[6].body)")
        }
    }

    @Test("a lookup sent with Connection: close is answered, then the connection closes")
    func connectionClose() async throws {
        try await Self.withLiveServer { fixture, client in
            let port = try #require(client.port)
            let body = Self.answered[0]
            let request = "POST /get-online-features HTTP/1.1\r\nHost: larder\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let responses = try await RawHTTPConnection.exchange(port: port, sending: request, expecting: 1, thenExpectClose: true)
            #expect(responses.map(\.status) == [200])
        }
    }

    @Test("a chunked body over --max-body is refused with 413 and the connection stays usable")
    func oversizedBodyInParts() async throws {
        try await Self.withLiveServer { fixture, client in
            let port = try #require(client.port)
            let body = BadRequestCase.oversizedBody
            // Chunked, so no Content-Length lets the head alone refuse it: the limit applies while reading.
            let chunks = stride(from: 0, to: body.utf8.count, by: 500).map { start -> String in
                let part = String(decoding: Array(body.utf8)[start..<min(start + 500, body.utf8.count)], as: UTF8.self)
                return String(part.utf8.count, radix: 16) + "\r\n" + part + "\r\n"
            }
            let request = "POST /get-online-features HTTP/1.1\r\nHost: larder\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks.joined() + "0\r\n\r\n"
            let responses = try await RawHTTPConnection.exchange(port: port, sending: request + "GET /health HTTP/1.1\r\nHost: larder\r\n\r\n", expecting: 2)
            #expect(responses.map(\.status) == [413, 200])
            #expect(responses[0].body.contains("BODY_TOO_LARGE"), "\(responses[0].body)")
        }
    }
}

/// A blocking HTTP/1.1 client over one TCP connection, to send requests pipelined in one write (which
/// `TestClientProtocol` cannot) and see exactly what comes back, in order.
enum RawHTTPConnection {
    struct Response: Sendable {
        var status: Int
        var body: String
        /// Header values by lower-cased name.
        var headers: [String: String] = [:]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects, sends `text`, reads `count` responses (Content-Length bodies); with `thenExpectClose`, also
    /// requires the server to close the connection afterwards. Runs on its own thread: it blocks.
    static func exchange(port: Int, sending text: String, expecting count: Int, thenExpectClose: Bool = false) async throws -> [Response] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(port: port, text: text, count: count, thenExpectClose: thenExpectClose) })
            }
        }
    }

    private static func run(port: Int, text: String, count: Int, thenExpectClose: Bool) throws -> [Response] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw Failure(description: "connect to port \(port) failed: errno \(errno)") }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw Failure(description: "send failed: errno \(errno)")
        }
        var received: [UInt8] = []
        var responses: [Response] = []
        func readMore() throws -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw Failure(description: "recv failed (errno \(errno)) after \(responses.count) of \(count) responses") }
            received += chunk[..<n]
            return n > 0
        }
        while responses.count < count {
            if let response = try parse(&received) {
                responses.append(response)
            } else if try !readMore() {
                throw Failure(description: "the server closed the connection after \(responses.count) of \(count) responses")
            }
        }
        if thenExpectClose {
            guard received.isEmpty, try !readMore() else { throw Failure(description: "the connection stayed open after Connection: close") }
        }
        return responses
    }

    /// Takes one whole response off the front of `buffer`, if there is one.
    static func parse(_ buffer: inout [UInt8]) throws -> Response? {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = (0...max(0, buffer.count - separator.count)).first(where: { buffer.count >= separator.count && Array(buffer[$0..<$0 + separator.count]) == separator }) else {
            return nil
        }
        let head = String(decoding: buffer[..<end], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = head.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw Failure(description: "not an HTTP response: \(head)")
        }
        let headers = Dictionary(head.dropFirst().compactMap { line -> (String, String)? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (parts[0].lowercased(), parts[1].trimmingCharacters(in: .whitespaces))
        }, uniquingKeysWith: { first, _ in first })
        let length = headers["content-length"].flatMap { Int($0) } ?? 0
        let bodyStart = end + separator.count
        guard buffer.count >= bodyStart + length else { return nil }
        let body = String(decoding: buffer[bodyStart..<bodyStart + length], as: UTF8.self)
        buffer.removeFirst(bodyStart + length)
        return Response(status: status, body: body, headers: headers)
    }
}
