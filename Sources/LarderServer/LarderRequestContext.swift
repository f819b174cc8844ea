package import Hummingbird
import HummingbirdAuth

/// The request context of ``FeatureServer``'s router: Hummingbird's basic context plus the identity
/// ``BearerTokenAuthenticator`` found, for hummingbird-auth's middleware.
///
/// ```swift
/// let router = Router(context: LarderRequestContext.self)
/// ```
package struct LarderRequestContext: AuthRequestContext, RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Who sent the request; set by ``BearerTokenAuthenticator`` on every route but `/health` and `/ready`.
    package var identity: AccessTokenIdentity?

    package init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
    }
}
