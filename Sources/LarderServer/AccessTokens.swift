import Foundation
import Hummingbird
package import LarderRegistry

/// The bearer tokens a running server accepts, shared by both lookup paths (the router's
/// ``BearerTokenAuthenticator`` and ``OnlineFeaturesChannelHandler`` on the event loop).
///
/// The unrevoked rows of `access_tokens` are reloaded beside the registry (``ServerState/reload()``,
/// every `reloadInterval`), so `larder tokens create` and `revoke` reach a running server within that
/// interval. A token whose secret matched its salted hash once is remembered: later requests with it
/// cost a dictionary lookup and a constant-time comparison, no SQLite and no hashing. Only verified
/// secrets are remembered, so requests with made-up tokens cannot grow the cache.
///
/// Tokens are enforced once any unrevoked token exists, or always when `requireTokens` (a server on a
/// host other machines can reach).
///
/// ```swift
/// let tokens = AccessTokens(requireTokens: false)
/// tokens.replace(with: try await AccessTokenStore(database: db).loadActive())
/// let identity = try tokens.authenticate(headers.bearer?.token)   // 401 when missing or unknown
/// try identity.require(.write, for: "POST /push")                 // 403 when too small
/// ```
package final class AccessTokens: @unchecked Sendable {
    // `verifiers` and `verified` change together under the lock; requests on every event loop read them.
    private let lock = NSLock()
    private var verifiers: [String: AccessTokenStore.Verifier] = [:]
    private var verified: [String: (secret: String, identity: AccessTokenIdentity)] = [:]
    /// Refuse requests without a token even while no token exists.
    package let requireTokens: Bool

    package init(requireTokens: Bool) { self.requireTokens = requireTokens }

    /// How many unrevoked tokens the server knows.
    package var count: Int { lock.withLock { verifiers.count } }

    /// Takes the unrevoked tokens just read; returns whether they differ from the previous ones. Tokens
    /// that were revoked (or changed) are forgotten, verified or not.
    @discardableResult
    package func replace(with active: [AccessTokenStore.Verifier]) -> Bool {
        let next = Dictionary(active.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return lock.withLock {
            guard next != verifiers else { return false }
            verifiers = next
            verified = verified.filter { id, entry in next[id].map { $0.name == entry.identity.name && $0.scope == entry.identity.scope } ?? false }
            return true
        }
    }

    /// Who sent a request with this bearer token (`nil`: no `Authorization: Bearer` header). Without
    /// enforcement the request is let through as ``AccessTokenIdentity/open``.
    package func authenticate(_ bearer: String?) throws(APIError) -> AccessTokenIdentity {
        let token = bearer.flatMap { AccessToken(parsing: $0) }
        let identity: AccessTokenIdentity? = lock.withLock {
            if verifiers.isEmpty && !requireTokens { return .open }
            guard let token else { return nil }
            if let known = verified[token.id], AccessToken.constantTimeEquals(known.secret, token.secret) {
                return known.identity
            }
            guard let verifier = verifiers[token.id], token.matches(hash: verifier.hash, salt: verifier.salt) else { return nil }
            let identity = AccessTokenIdentity(name: verifier.name, scope: verifier.scope)
            verified[token.id] = (token.secret, identity)
            return identity
        }
        if let identity { return identity }
        throw bearer == nil ? APIError.missingToken(noneExists: count == 0) : APIError.invalidToken
    }
}

/// Who a request comes from: a token's name and scope, or ``open`` on a server that enforces no tokens.
///
/// ```swift
/// try identity.require(.admin, for: "POST /materialize")
/// ```
package struct AccessTokenIdentity: Sendable, Equatable {
    /// The token's name; `nil` for ``open``.
    package var name: String?
    package var scope: AccessTokenScope

    /// A request to a server that enforces no tokens (no unrevoked token, loopback host).
    package static let open = AccessTokenIdentity(name: nil, scope: .admin)

    /// Throws the 403 for a token whose scope does not include `scope`.
    package func require(_ scope: AccessTokenScope, for route: String) throws(APIError) {
        guard !self.scope.includes(scope) else { return }
        throw APIError.insufficientScope(token: name ?? "", has: self.scope, needs: scope, route: route)
    }
}

extension APIError {
    /// `WWW-Authenticate` as RFC 6750 spells it.
    static func bearerChallenge(_ error: String? = nil, scope: AccessTokenScope? = nil) -> HTTPFields {
        var value = #"Bearer realm="larder""#
        if let error { value += #", error="\#(error)""# }
        if let scope { value += #", scope="\#(scope)""# }
        return [.wwwAuthenticate: value]
    }

    static func missingToken(noneExists: Bool) -> APIError {
        let how = noneExists
            ? "this server requires one but none exists yet: create one with `larder tokens create NAME --scope read|write|admin`"
            : "`larder tokens create NAME --scope read|write|admin` makes one"
        return APIError(.unauthorized, code: "MISSING_TOKEN", message: "send Authorization: Bearer TOKEN; \(how)", headers: bearerChallenge())
    }

    static let invalidToken = APIError(
        .unauthorized, code: "INVALID_TOKEN",
        message: "the bearer token is unknown or revoked: `larder tokens list` shows the tokens, `larder tokens create` makes a new one",
        headers: bearerChallenge("invalid_token"))

    static func insufficientScope(token: String, has: AccessTokenScope, needs: AccessTokenScope, route: String) -> APIError {
        APIError(.forbidden, code: "INSUFFICIENT_SCOPE",
                 message: "token \(token) has scope \(has); \(route) needs scope \(needs) or larger (admin ⊇ write ⊇ read)",
                 headers: bearerChallenge("insufficient_scope", scope: needs))
    }
}
