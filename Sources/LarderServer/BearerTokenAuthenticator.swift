import Hummingbird
import HummingbirdAuth
import LarderRegistry

/// hummingbird-auth's authenticator for the router's routes: the `Authorization: Bearer` token (its
/// `HTTPFields.bearer`) checked against ``AccessTokens``. A missing, unknown or revoked token is a 401
/// here, when tokens are enforced, so no handler runs and no body is read for it.
///
/// ```swift
/// router.group().add(middleware: BearerTokenAuthenticator(tokens: state.tokens))
///     .add(middleware: AuthorizationPolicyMiddleware(ScopePolicy(.write)))
///     .post("/push") { ... }
/// ```
struct BearerTokenAuthenticator<Context: AuthRequestContext<AccessTokenIdentity>>: AuthenticatorMiddleware {
    typealias Identity = AccessTokenIdentity
    let tokens: AccessTokens

    func authenticate(request: Request, context: Context) async throws -> AccessTokenIdentity? {
        try tokens.authenticate(request.headers.bearer?.token)
    }
}

/// hummingbird-auth's authorization policy for a route group: the identity's scope must include
/// `scope`. It throws the 403 itself rather than answer `false`, so the answer names the token, its scope
/// and the scope the route needs, in the API's JSON error shape.
struct ScopePolicy: AuthorizationPolicy {
    let scope: AccessTokenScope

    init(_ scope: AccessTokenScope) { self.scope = scope }

    func isAuthorized(identity: AccessTokenIdentity, request: Request) async throws -> Bool {
        try identity.require(scope, for: "\(request.method) \(request.uri.path)")
        return true
    }
}
