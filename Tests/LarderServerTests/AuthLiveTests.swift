import Foundation
import Hummingbird
import HummingbirdTesting
import LarderRegistry
import LarderServer
import Testing

/// Tokens on a live server: lookups answered on the event loop (``OnlineFeaturesChannelHandler``, outside
/// the router) refuse exactly as the router does, and tokens created or revoked while the server runs take
/// effect within the reload interval.
@Suite("tokens on a live server, both lookup paths")
struct AuthLiveTests {
    static func lookup(_ client: some TestClientProtocol, authorization: String?) async throws -> TestResponse {
        let route = ProtectedRoute.all.first { $0.uri == "/get-online-features" }!
        return try await client.send(route, authorization: authorization)
    }

    @Test("on the event loop a lookup without, with an unknown or a revoked token is a 401 byte for byte as the router's; read or larger is answered")
    func eventLoopPath() async throws {
        let fixture = try await AuthFixture.make(configuration: ServerConfiguration(port: 0))
        let routed = ServerState(registry: fixture.registry, client: fixture.client,
                                 configuration: ServerConfiguration(port: 0, lookupsOnEventLoop: false), metrics: ServerMetrics())
        let retired = "Bearer " + (try fixture.tokens.create(name: "retired", scope: .read).1.text)
        try await fixture.state.reload()
        try await routed.reload()
        let headers: [(name: String, value: String?)] = [("no token", nil), ("Basic", "Basic dXNlcjpwYXNz")]
            + (try AuthTests.strangers(fixture)).map { ($0.name, Optional($0.header)) } + [("revoked", retired)]
        try await FeatureServer(state: fixture.state).application().test(.live) { onLoop in
            try await FeatureServer(state: routed).application().test(.live) { router in
                // Verified (and remembered) before it is revoked on both servers.
                #expect(try await Self.lookup(onLoop, authorization: retired).status == .ok)
                #expect(try await Self.lookup(router, authorization: retired).status == .ok)
                try fixture.tokens.revoke(name: "retired")
                try await fixture.state.reload()
                try await routed.reload()
                for (name, value) in headers {
                    let fast = try await Self.lookup(onLoop, authorization: value)
                    let slow = try await Self.lookup(router, authorization: value)
                    #expect(fast.status == .unauthorized, "\(name): \(fast.text)")
                    #expect(fast.status == slow.status, "\(name)")
                    #expect(fast.text == slow.text, "\(name)")
                    #expect(fast.headers[.wwwAuthenticate] != nil, "\(name)")
                    #expect(fast.headers[.wwwAuthenticate] == slow.headers[.wwwAuthenticate], "\(name)")
                }
                for name in ["reader", "writer", "admin"] {
                    let fast = try await Self.lookup(onLoop, authorization: fixture.bearer[name])
                    let slow = try await Self.lookup(router, authorization: fixture.bearer[name])
                    #expect(fast.status == .ok, "\(name): \(fast.text)")
                    #expect(fast.text == slow.text, "\(name)")
                }
            }
        }
        // Every one of those lookups was answered on the loop, none by the router there.
        #expect(fixture.state.metrics.value("larder_lookups_on_event_loop_total") == Double(1 + headers.count + 3))
        #expect(fixture.state.metrics.value(#"larder_http_requests_total{route="/get-online-features",status="401"}"#) == Double(headers.count))
        #expect(routed.metrics.value("larder_lookups_on_event_loop_total") == 0)
        try await fixture.tearDown()
    }

    /// Polls `condition` every 50 ms for up to `seconds`; whether it held.
    static func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    @Test("a token created while the server runs is enforced, and one revoked is refused, within the reload interval, on both paths")
    func reloadWithoutRestart() async throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.reloadInterval = .milliseconds(200)
        let fixture = try await AuthFixture.make(configuration: configuration, withTokens: false)
        let metrics = ProtectedRoute.all[0]
        try await FeatureServer(state: fixture.state).application().test(.live) { client in
            #expect(try await Self.lookup(client, authorization: nil).status == .ok, "no token yet: open")
            let token = "Bearer " + (try fixture.tokens.create(name: "late", scope: .read).1.text)
            #expect(try await Self.eventually(within: 5) { try await Self.lookup(client, authorization: nil).status == .unauthorized },
                    "the new token was not enforced on the event loop within 5 s")
            #expect(try await client.send(metrics, authorization: nil).status == .unauthorized)
            #expect(try await Self.lookup(client, authorization: token).status == .ok)
            #expect(try await client.send(metrics, authorization: token).status == .ok)

            // Two tokens, one revoked: enforcement stays, the revoked one is refused on both paths.
            _ = try fixture.tokens.create(name: "keeper", scope: .admin)
            try fixture.tokens.revoke(name: "late")
            #expect(try await Self.eventually(within: 5) { try await Self.lookup(client, authorization: token).status == .unauthorized },
                    "the revoked token was still accepted on the event loop after 5 s")
            #expect(try await client.send(metrics, authorization: token).status == .unauthorized)
            #expect(try await Self.lookup(client, authorization: nil).status == .unauthorized)
        }
        try await fixture.tearDown()
    }
}
