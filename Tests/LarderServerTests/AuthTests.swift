import Foundation
import Hummingbird
import HummingbirdTesting
import LarderRegistry
import LarderServer
import Testing

/// Bearer tokens and scopes on every route through the router (`.router`), as `larder serve` answers
/// them once a token exists.
@Suite("tokens and scopes: every route")
struct AuthTests {
    /// A well-formed token no row has, one with a real id but another secret, and text that is no token.
    static func strangers(_ fixture: AuthFixture) throws -> [(name: String, header: String)] {
        let reader = try #require(fixture.bearer["reader"])
        let id = reader.dropFirst("Bearer larder_".count).prefix(12)
        return [
            ("an unknown token", "Bearer larder_000000000000_" + String(repeating: "0", count: 64)),
            ("a known id with another secret", "Bearer larder_\(id)_" + String(repeating: "a", count: 64)),
            ("text that is no token", "Bearer not-a-token"),
            ("the token in lower-case hex turned upper-case", reader.uppercased().replacingOccurrences(of: "BEARER ", with: "Bearer ")),
        ]
    }

    @Test("401 without a token, with an unknown or revoked one; 403 with too small a scope; the route's answer with its scope or larger",
          arguments: ProtectedRoute.all)
    func route(_ route: ProtectedRoute) async throws {
        let fixture = try await AuthFixture.make()
        try await Application(router: FeatureServer(state: fixture.state).router()).test(.router) { client in
            // A token used once (so the server remembers it as verified), then revoked.
            let retired = "Bearer " + (try fixture.tokens.create(name: "retired", scope: .admin).1.text)
            try await fixture.state.reload()
            #expect(try await client.send(ProtectedRoute.all[0], authorization: retired).status == .ok)
            try fixture.tokens.revoke(name: "retired")
            try await fixture.state.reload()

            for header in [nil, "Basic dXNlcjpwYXNz", "bearer-less"] as [String?] {
                let response = try await client.send(route, authorization: header)
                #expect(response.status == .unauthorized, "\(header ?? "no header"): \(response.text)")
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="larder""#)
                let error = try response.decoded(as: ErrorBody.self).error
                #expect(error.code == "MISSING_TOKEN")
                #expect(error.message == "send Authorization: Bearer TOKEN; `larder tokens create NAME --scope read|write|admin` makes one")
            }
            for (name, header) in try Self.strangers(fixture) + [("a revoked token", retired)] {
                let response = try await client.send(route, authorization: header)
                #expect(response.status == .unauthorized, "\(name): \(response.text)")
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="larder", error="invalid_token""#, "\(name)")
                #expect(try response.decoded(as: ErrorBody.self).error.code == "INVALID_TOKEN", "\(name)")
            }
            for (name, scope) in [("reader", AccessTokenScope.read), ("writer", .write), ("admin", .admin)] {
                let response = try await client.send(route, authorization: fixture.bearer[name])
                if scope.includes(route.scope) {
                    #expect(response.status == route.answered, "\(name): \(response.text)")
                } else {
                    #expect(response.status == .forbidden, "\(name): \(response.text)")
                    #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="larder", error="insufficient_scope", scope="\#(route.scope)""#)
                    let error = try response.decoded(as: ErrorBody.self).error
                    #expect(error.code == "INSUFFICIENT_SCOPE")
                    #expect(error.message == "token \(name) has scope \(scope); \(route.method) \(route.uri) needs scope \(route.scope) or larger (admin ⊇ write ⊇ read)")
                }
            }
        }
        // Refusals are counted under the route, like any answer.
        let endpoint = route.uri == "/jobs/1" ? "/jobs/{id}" : route.uri
        #expect(fixture.state.metrics.value(#"larder_http_requests_total{route="\#(endpoint)",status="401"}"#) == 8)
        try await fixture.tearDown()
    }

    @Test("/health and /ready answer without a token while tokens are enforced")
    func healthAndReadyStayOpen() async throws {
        let fixture = try await AuthFixture.make()
        try await Application(router: FeatureServer(state: fixture.state).router()).test(.router) { client in
            #expect(try await client.get("/health").status == .ok)
            let ready = try await client.get("/ready")
            #expect(ready.status == .ok, "\(ready.text)")
            #expect(try await client.get("/metrics").status == .unauthorized)
        }
        try await fixture.tearDown()
    }

    @Test("with no token, a loopback server answers every route without one; a server that requires tokens refuses, saying how to make one")
    func withoutTokens() async throws {
        let open = try await AuthFixture.make(withTokens: false)
        try await Application(router: FeatureServer(state: open.state).router()).test(.router) { client in
            for route in ProtectedRoute.all {
                let response = try await client.send(route, authorization: nil)
                #expect(response.status == route.answered, "\(route.testDescription): \(response.text)")
                try await open.materializationsFinished()
            }
        }
        try await open.tearDown()

        let closed = try await AuthFixture.make(configuration: ServerConfiguration(host: "0.0.0.0", requireTokens: true), withTokens: false)
        try await Application(router: FeatureServer(state: closed.state).router()).test(.router) { client in
            for route in ProtectedRoute.all {
                let response = try await client.send(route, authorization: nil)
                #expect(response.status == .unauthorized, "\(route.testDescription): \(response.text)")
                #expect(try response.decoded(as: ErrorBody.self).error.message
                        == "send Authorization: Bearer TOKEN; this server requires one but none exists yet: create one with `larder tokens create NAME --scope read|write|admin`")
            }
            #expect(try await client.get("/health").status == .ok)
        }
        try await closed.tearDown()
    }

    @Test("a token revoked and created again under its name with a smaller scope: the old secret gets 401, the new one 403 on a write route")
    func recreatedWithSmallerScope() async throws {
        let fixture = try await AuthFixture.make()
        let push = ProtectedRoute.all.first { $0.uri == "/push" }!
        try await Application(router: FeatureServer(state: fixture.state).router()).test(.router) { client in
            #expect(try await client.send(push, authorization: fixture.bearer["writer"]).status == .ok)
            try fixture.tokens.revoke(name: "writer")
            let smaller = "Bearer " + (try fixture.tokens.create(name: "writer", scope: .read).1.text)
            try await fixture.state.reload()
            #expect(try await client.send(push, authorization: fixture.bearer["writer"]).status == .unauthorized)
            #expect(try await client.send(push, authorization: smaller).status == .forbidden)
        }
        try await fixture.tearDown()
    }
}
