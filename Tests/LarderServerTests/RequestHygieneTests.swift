import Foundation
import Hummingbird
import HummingbirdTesting
import LarderServer
import Testing

/// What a request must be to be read at all, on both lookup paths: a JSON content type (415), a body
/// within `--max-body` (413, from `Content-Length` before the body), a body that arrives in time (408),
/// and the connection limits (idle timeout, connection cap).
@Suite("request hygiene: content type, body size, timeouts, connection cap")
struct RequestHygieneTests {
    static let lookupBody = #"{"features": ["driver_hourly_stats:conv_rate"], "entities": {"driver_id": [1001]}}"#

    /// The fixture's server, live on an ephemeral port, lookups on the event loop or through the router.
    static func withLiveServer(onEventLoop: Bool = true, configure: (inout ServerConfiguration) -> Void = { _ in },
                               _ body: @Sendable (ServerFixture, Int) async throws -> Void) async throws {
        var configuration = ServerConfiguration(port: 0, maxRows: 3, maxBody: 2048, lookupsOnEventLoop: onEventLoop)
        configure(&configuration)
        let fixture = try await ServerFixture.make(configuration: configuration)
        defer { fixture.tearDown() }
        try await FeatureServer(state: fixture.state).application().test(.live) { client in
            try await body(fixture, try #require(client.port))
        }
    }

    @Test("a form post to /push is refused 415 and writes nothing; every POST route refuses no, form and text/plain content types")
    func unsupportedMediaTypeOnEveryPostRoute() async throws {
        let fixture = try await AuthFixture.make(withTokens: false)
        try await Application(router: FeatureServer(state: fixture.state).router()).test(.router) { client in
            for route in ProtectedRoute.all where route.method == .post {
                for type in [nil, "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"] as [String?] {
                    var headers: HTTPFields = [:]
                    if let type { headers[.contentType] = type }
                    let response = try await client.execute(uri: route.uri, method: .post, headers: headers, body: ByteBuffer(string: route.body ?? ""))
                    #expect(response.status == .unsupportedMediaType, "\(route.testDescription) with \(type ?? "none"): \(response.text)")
                    let error = try response.decoded(as: ErrorBody.self).error
                    #expect(error.code == "UNSUPPORTED_MEDIA_TYPE")
                    #expect(error.message.hasPrefix("POST bodies must be JSON: send the header Content-Type: application/json ("))
                }
            }
            // Nothing was pushed: driver 1001 is still not online.
            let lookup = ProtectedRoute.all.first { $0.uri == "/get-online-features" }!
            let answer = try await client.send(lookup, authorization: nil)
            #expect(answer.text.contains(#""statuses":["NOT_FOUND"]"#), "\(answer.text)")
        }
        try await fixture.tearDown()
    }

    @Test("a Content-Length over --max-body is answered 413 before the body is sent, then the connection closes",
          arguments: [(true, "/get-online-features"), (false, "/get-online-features"), (true, "/predict")])
    func tooLargeFromContentLength(onEventLoop: Bool, path: String) async throws {
        try await Self.withLiveServer(onEventLoop: onEventLoop) { fixture, port in
            let socket = try await RawSocket.connect(port: port)
            // The head only: a server that waited for the 10 MB body would never answer.
            try await socket.send("POST \(path) HTTP/1.1\r\nHost: larder\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n")
            let response = try #require(try await socket.response(within: .seconds(10)), "no answer before the body was sent")
            #expect(response.status == 413)
            #expect(response.headers["connection"] == "close")
            #expect(response.body == #"{"error":{"code":"BODY_TOO_LARGE","message":"the body has 10000000 bytes, over the limit of 2048 (--max-body)"}}"#)
            #expect(try await socket.closedByServer(within: .seconds(10)))
        }
    }

    @Test("a chunked body that passes --max-body is answered 413, on both lookup paths, and the connection stays usable", arguments: [true, false])
    func tooLargeChunked(onEventLoop: Bool) async throws {
        try await Self.withLiveServer(onEventLoop: onEventLoop) { _, port in
            let chunk = String(repeating: " ", count: 1000)
            let chunks = String(repeating: "3e8\r\n\(chunk)\r\n", count: 3)
            let socket = try await RawSocket.connect(port: port)
            try await socket.send("POST /get-online-features HTTP/1.1\r\nHost: larder\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  + chunks + "0\r\n\r\nGET /health HTTP/1.1\r\nHost: larder\r\n\r\n")
            let refused = try #require(try await socket.response(within: .seconds(10)))
            #expect(refused.status == 413)
            #expect(refused.body.contains("BODY_TOO_LARGE"), "\(refused.body)")
            #expect(try await socket.response(within: .seconds(10))?.status == 200)
        }
    }

    @Test("a body that stops arriving is answered 408 after --read-timeout and the connection closed",
          arguments: [(true, "/get-online-features"), (false, "/get-online-features"), (true, "/predict")])
    func readTimeout(onEventLoop: Bool, path: String) async throws {
        try await Self.withLiveServer(onEventLoop: onEventLoop, configure: { $0.readTimeout = .seconds(1) }) { fixture, port in
            let socket = try await RawSocket.connect(port: port)
            try await socket.send("POST \(path) HTTP/1.1\r\nHost: larder\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"features\"")
            let response = try #require(try await socket.response(within: .seconds(10)), "no answer 10 s after the body stopped")
            #expect(response.status == 408)
            #expect(response.body == #"{"error":{"code":"REQUEST_TIMEOUT","message":"the request did not arrive whole within 1s of its head (--read-timeout)"}}"#)
            #expect(try await socket.closedByServer(within: .seconds(10)))
            #expect(fixture.metrics.value("larder_request_read_timeouts_total") == 1)
        }
    }

    @Test("a connection idle for --idle-timeout is closed, before any request and after an answered one")
    func idleTimeout() async throws {
        try await Self.withLiveServer(configure: { $0.idleTimeout = .seconds(1) }) { _, port in
            let silent = try await RawSocket.connect(port: port)
            #expect(try await silent.closedByServer(within: .seconds(10)), "a connection that never sent a request stayed open")

            let answered = try await RawSocket.connect(port: port)
            try await answered.send("POST /get-online-features HTTP/1.1\r\nHost: larder\r\nContent-Type: application/json\r\nContent-Length: \(Self.lookupBody.utf8.count)\r\n\r\n\(Self.lookupBody)")
            #expect(try await answered.response(within: .seconds(10))?.status == 200)
            #expect(try await answered.closedByServer(within: .seconds(10)), "an idle keep-alive connection stayed open")
        }
    }

    /// The whole application run as `larder serve` runs it (HummingbirdTesting's `.live` drops the
    /// configuration's connection limit when it moves the server to an ephemeral port).
    static func withRunningApplication(_ configuration: ServerConfiguration, _ body: @Sendable (Int) async throws -> Void) async throws {
        let fixture = try await ServerFixture.make(configuration: configuration)
        defer { fixture.tearDown() }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try FeatureServer(state: fixture.state).application { continuation.yield($0) }
        let running = Task { try await application.run() }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body(port)
        running.cancel()
        _ = try? await running.value
    }

    @Test("past --max-connections a new connection waits, unanswered, until an open one closes")
    func connectionCap() async throws {
        try await Self.withRunningApplication(ServerConfiguration(port: 0, maxConnections: 1)) { port in
            let health = "GET /health HTTP/1.1\r\nHost: larder\r\n\r\n"
            let first = try await RawSocket.connect(port: port)
            try await first.send(health)
            #expect(try await first.response(within: .seconds(10))?.status == 200)

            let second = try await RawSocket.connect(port: port)  // accepted by the kernel, left in the backlog
            try await second.send(health)
            #expect(try await second.response(within: .seconds(1)) == nil, "a second connection was served while the first was open")
            first.close()
            #expect(try await second.response(within: .seconds(10))?.status == 200, "the waiting connection was not served after the first closed")
        }
    }
}
