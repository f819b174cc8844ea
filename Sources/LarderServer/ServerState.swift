import Foundation
import Hummingbird
public import LarderOffline
public import Larder
public import LarderOnline
public import LarderRegistry

/// What the server serves from: the registered definitions (reloaded when `larder apply` stores a new
/// version) and the online store.
public final class ServerState: @unchecked Sendable {
    // `current` is replaced whole under the lock; readers take a consistent (version, lookup) pair.
    private let lock = NSLock()
    private var current: (version: Int64, lookup: OnlineLookup)?
    public let registry: Registry
    public let client: RedisClient
    /// Each event loop's own Redis connection, for lookups answered on the loop (`lookupsOnEventLoop`).
    public let loopRedis: RedisLoopConnections?
    public let store: RedisOnlineStore
    public let metrics: ServerMetrics
    public let configuration: ServerConfiguration
    /// The compiled definitions (transforms for push ingestion, models' features), when linked.
    public let repository: FeatureRepository?
    /// Where pushed rows for the offline store wait; `nil` refuses offline pushes.
    public let pushBuffer: OfflinePushBuffer?
    /// Runs `POST /materialize` jobs; `nil` refuses them.
    public let materializer: Materializer?
    /// The bearer tokens requests are checked against (``AccessTokens``), reloaded with the registry.
    package let tokens: AccessTokens
    private let tokenStore: AccessTokenStore

    public init(registry: Registry, client: RedisClient, configuration: ServerConfiguration,
                repository: FeatureRepository? = nil, pushBuffer: OfflinePushBuffer? = nil, materializer: Materializer? = nil,
                metrics: ServerMetrics = ServerMetrics()) {
        self.pushBuffer = pushBuffer
        self.materializer = materializer
        self.registry = registry
        self.client = client
        self.loopRedis = configuration.lookupsOnEventLoop ? RedisLoopConnections(url: client.url, options: client.options) : nil
        self.store = RedisOnlineStore(client: client)
        self.configuration = configuration
        self.repository = repository
        self.metrics = metrics
        self.tokens = AccessTokens(requireTokens: configuration.requireTokens)
        self.tokenStore = AccessTokenStore(database: registry.database)
    }

    /// The loaded registry version, if any.
    public var version: Int64? { lock.withLock { current?.version } }

    /// The lookup over the loaded definitions, or a 503 before any version is registered.
    func lookup() throws(APIError) -> OnlineLookup {
        guard let lookup = lock.withLock({ current?.lookup }) else {
            throw APIError(.serviceUnavailable, code: "REGISTRY_NOT_LOADED",
                           message: "no registered definitions in \(registry.home): run `larder apply`, the server picks them up by itself")
        }
        return lookup
    }

    /// Loads the unrevoked tokens, then the latest registry version when it differs from the loaded one;
    /// returns whether the registry version changed.
    @discardableResult
    public func reload() async throws -> Bool {
        if tokens.replace(with: try await tokenStore.loadActive()) { metrics.add("larder_token_reloads_total") }
        guard let number = try await registry.loadLatestVersionNumber(), number != version,
              let latest = try await registry.loadLatest() else { return false }
        let lookup = OnlineLookup(spec: latest.spec, store: store, onDemandViews: repository?.onDemandViews ?? [])
        lock.withLock { current = (latest.number, lookup) }
        metrics.add("larder_registry_reloads_total")
        return true
    }
}
