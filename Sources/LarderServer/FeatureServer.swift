import Foundation
public import Hummingbird
import HummingbirdAuth
import HummingbirdCore
import HummingbirdTLS
import Larder
import NIOCore
import LarderOnline
import LarderRegistry
public import ServiceLifecycle

/// The HTTP API of `larder serve`: Feast-compatible online lookups, health, readiness and metrics.
///
/// ```swift
/// let app = try FeatureServer(state: state).application()
/// try await app.runService()
/// ```
public struct FeatureServer: Sendable {
    public let state: ServerState

    public init(state: ServerState) { self.state = state }

    /// The router with every route, for `.router` tests and for ``application(extraServices:onServerRunning:)``.
    /// `/health` and `/ready` are open; every other route takes a bearer token whose scope includes the
    /// route's (``AccessTokenScope``) once tokens are enforced (``AccessTokens``), checked through
    /// hummingbird-auth's authenticator and authorization middleware before any body is read.
    package func router() -> Router<LarderRequestContext> {
        let router = Router(context: LarderRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: state.metrics))
        router.get("/health") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}\n"))) }
        router.get("/ready") { _, _ in try await ready() }
        let authenticated = router.group().add(middleware: BearerTokenAuthenticator(tokens: state.tokens))
        func needing(_ scope: AccessTokenScope) -> RouterGroup<LarderRequestContext> {
            authenticated.group().add(middleware: AuthorizationPolicyMiddleware(ScopePolicy(scope), context: LarderRequestContext.self))
        }
        needing(.read)
            .get("/metrics") { _, _ in
                var text = state.metrics.render()
                if let spec = try? state.lookup().spec {
                    let now = Timestamp.now()
                    let views = spec.views.map(\.name) + spec.aggregationViews.map(\.name)
                    if let states = try? await FreshnessGauges.read(views: views, database: state.registry.database, now: now) {
                        text += FreshnessGauges.render(states, now: now)
                    }
                }
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            .post("/get-online-features") { request, _ in try await onlineFeatures(request) }
            .post("/predict") { request, _ in try await predict(request) }
            .get("/jobs/{id}") { _, context in try await job(context.parameters.get("id") ?? "") }
        needing(.write)
            .post("/push") { request, _ in try await push(request) }
        needing(.admin)
            .post("/materialize") { request, _ in try await materialize(request, incremental: false) }
            .post("/materialize-incremental") { request, _ in try await materialize(request, incremental: true) }
            .post("/reload") { request, _ in try await reloadNow(request) }
        return router
    }

    /// The `Server` header of every response.
    static let serverName = "larder"

    /// The application: HTTP/1.1 (HTTPS with `tls`) with the registry and token reloader as a service
    /// beside it. Every connection gets ``RequestGuardHandler`` (read timeout) and, unless lookups go
    /// through the router, ``OnlineFeaturesChannelHandler``; Hummingbird closes idle connections and
    /// stops accepting at `maxConnections`. `onServerRunning` gets the bound port (for `--port 0`).
    public func application(extraServices: [any Service] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        throws -> some ApplicationProtocol
    {
        let configuration = state.configuration
        let handlers: @Sendable () -> [any RemovableChannelHandler] = { [self] in
            [RequestGuardHandler(readTimeout: configuration.readTimeout, metrics: state.metrics)]
                + (state.loopRedis.map { [OnlineFeaturesChannelHandler(server: self, redis: $0)] } ?? [])
        }
        let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: handlers(), idleTimeout: TimeAmount(configuration.idleTimeout)))
        let server = try configuration.tls.map { try HTTPServerBuilder.tls(http1, tlsConfiguration: try ServerTLS.configuration($0)) } ?? http1
        let connections = MaximumAvailableConnections(configuration.maxConnections)
        return Application(router: router(), server: server,
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: Self.serverName,
                                                availableConnectionsDelegate: connections),
                           services: [RegistryReloader(state: state)] + (state.pushBuffer.map { [PushFlushService(buffer: $0)] } ?? []) + extraServices,
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) })
    }

    /// `POST /reload`: reads the registry and the tokens now rather than at the next reload interval.
    private func reloadNow(_ request: Request) async throws -> Response {
        try checkJSONHead(request.headers)
        try await state.reload()
        let body = "{\"registry_version\":\(state.version.map(String.init) ?? "null"),\"tokens\":\(state.tokens.count)}\n"
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private func ready() async throws -> Response {
        var problems: [String] = []
        if state.version == nil { problems.append("no registry version loaded (run `larder apply`)") }
        do {
            try await state.client.ping()
        } catch {
            problems.append("Redis is not answering: \(error)")
        }
        guard problems.isEmpty else {
            throw APIError(.serviceUnavailable, code: "NOT_READY", message: problems.joined(separator: "; "))
        }
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ready\",\"registry_version\":\(state.version ?? 0)}\n")))
    }

    /// Reads a JSON body: 415 for another content type, 413 over `--max-body` (from `Content-Length`
    /// before reading, else as soon as the body passes the limit).
    func jsonBody(_ request: Request) async throws -> [UInt8] {
        let limit = state.configuration.maxBody
        try checkJSONHead(request.headers)
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError.tooLarge(limit: limit)
        }
        return Array(buffer.readableBytesView)
    }

    /// The checks of a JSON request that need only its headers: a JSON content type (415), and a declared
    /// length within `--max-body` (413). One pass over the fields: `HTTPFields`' subscript scans them all
    /// per name.
    func checkJSONHead(_ headers: HTTPFields) throws(APIError) {
        var type: String?
        var length: Int?
        for field in headers {
            if field.name == .contentType {
                type = field.value
            } else if field.name == .contentLength {
                length = Int(field.value)
            }
        }
        guard let type, Self.isJSON(contentType: type) else { throw APIError.notJSON(contentType: type) }
        let limit = state.configuration.maxBody
        if let length, length > limit { throw APIError.tooLarge(length: length, limit: limit) }
    }

    /// The checks of `POST /get-online-features` on the event loop that need only its head, in the
    /// router's order: the token (401) and its scope (403) as ``BearerTokenAuthenticator`` and
    /// ``ScopePolicy`` check them, then ``checkJSONHead(_:)`` (415, 413).
    func checkLookupHead(_ headers: HTTPFields) throws(APIError) {
        try state.tokens.authenticate(headers.bearer?.token).require(.read, for: "POST \(OnlineFeaturesChannelHandler.path)")
        try checkJSONHead(headers)
    }

    /// `application/json` or `…+json` (`application/vnd.larder+json`), in any letter case, parameters
    /// allowed. Compares bytes rather than lowercasing a copy: it runs for every lookup.
    static func isJSON(contentType: String) -> Bool {
        func lowered(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        // The media type ends at the first `;` (parameters) or space.
        let mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") }.lazy.map(lowered)
        guard mediaType.starts(with: "application/".utf8) else { return false }
        let subtype = mediaType.dropFirst("application/".utf8.count)
        return subtype.elementsEqual("json".utf8) || (subtype.count > 5 && subtype.dropFirst(subtype.count - 5).elementsEqual("+json".utf8))
    }

    private func onlineFeatures(_ request: Request) async throws -> Response {
        let prepared = try preparedLookup(try await jsonBody(request))
        let result = try await lookup(prepared)
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: OnlineFeaturesResponse.json(result))))
    }

    /// Reads a `/get-online-features` body and checks it against the registry (400 for bad input, 503
    /// before any registry version is loaded).
    func preparedLookup(_ body: [UInt8]) throws(APIError) -> OnlineLookup.Prepared {
        var noPreviousList: OnlineFeaturesRequest.FeatureList?
        return try preparedLookup(body, features: &noPreviousList)
    }

    /// ``preparedLookup(_:)`` for a connection that remembers its last feature list (see
    /// ``OnlineFeaturesRequest/decode(_:previousFeatures:)``); `features` is updated to this body's.
    func preparedLookup(_ body: [UInt8], features: inout OnlineFeaturesRequest.FeatureList?) throws(APIError) -> OnlineLookup.Prepared {
        let request = try OnlineFeaturesRequest.decode(body, previousFeatures: features)
        if let list = request.featureList { features = list }
        return try prepare(request.query())
    }

    func prepare(_ query: OnlineLookup.Query) throws(APIError) -> OnlineLookup.Prepared {
        let lookup = try state.lookup()
        do {
            return try lookup.prepare(query, now: .now(), maxRows: state.configuration.maxRows)
        } catch let error as LookupError {
            throw APIError(error)
        } catch {
            throw APIError(.internalServerError, code: "INTERNAL", message: "the lookup could not be prepared: \(error)")
        }
    }

    /// Runs a lookup, mapping bad input to 400 and an unreachable Redis to 503, and counting what it found.
    func lookup(_ query: OnlineLookup.Query) async throws -> OnlineLookup.Result {
        try await lookup(prepare(query))
    }

    func lookup(_ prepared: OnlineLookup.Prepared) async throws(APIError) -> OnlineLookup.Result {
        let outcome = await withCheckedContinuation { continuation in
            prepared.send { continuation.resume(returning: $0) }
        }
        return try answered(outcome)
    }

    /// What a sent lookup came back with: the result, counted in the metrics, or the error to answer.
    func answered(_ outcome: Result<OnlineLookup.Result, any Error>) throws(APIError) -> OnlineLookup.Result {
        let result: OnlineLookup.Result
        switch outcome {
        case .success(let answer): result = answer
        case .failure(let error as OnDemandError):
            throw APIError(onDemand: error)
        case .failure(let error):
            if let error = error as? RedisError { state.metrics.add("larder_redis_errors_total{kind=\"\(error.kind.rawValue)\"}") }
            if let error = error as? OnlineStoreError, error.kind == .unavailable { state.metrics.add("larder_redis_errors_total{kind=\"unavailable\"}") }
            throw APIError(onlineStoreFailure: error)
        }
        state.metrics.observeLookup(result)
        return result
    }
}

/// Checks the registry for a new version and the tokens for changes every `reloadInterval` and loads
/// them, so `larder apply` and `larder tokens create|revoke` reach a running server without a restart.
struct RegistryReloader: Service {
    let state: ServerState

    func run() async throws {
        // Stops on graceful shutdown (SIGTERM/SIGINT) as well as on cancellation.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await state.reload()
                } catch {
                    state.metrics.add("larder_registry_reload_errors_total")
                }
                try await Task.sleep(for: state.configuration.reloadInterval)
            }
        }
    }
}
