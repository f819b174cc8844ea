import Foundation
public import Hummingbird
import Larder
import NIOCore
import LarderOnline
import LarderRegistry
public import ServiceLifecycle

/// The HTTP API of `larder serve`: Feast-compatible online lookups, health, readiness and metrics.
///
/// ```swift
/// let app = FeatureServer(state: state).application()
/// try await app.runService()
/// ```
public struct FeatureServer: Sendable {
    public let state: ServerState

    public init(state: ServerState) { self.state = state }

    /// The router with every route, for `.router` tests and for ``application(extraServices:)``.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware(metrics: state.metrics))
        router.get("/health") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}\n"))) }
        router.get("/ready") { _, _ in try await ready() }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: state.metrics.render())))
        }
        router.post("/get-online-features") { request, _ in try await onlineFeatures(request) }
        router.post("/predict") { request, _ in try await predict(request) }
        router.post("/push") { request, _ in try await push(request) }
        router.post("/materialize") { request, _ in try await materialize(request, incremental: false) }
        router.post("/materialize-incremental") { request, _ in try await materialize(request, incremental: true) }
        router.get("/jobs/{id}") { _, context in try await job(context.parameters.get("id") ?? "") }
        return router
    }

    /// The `Server` header of every response.
    static let serverName = "larder"

    /// The application, with the registry reloader as a service beside the HTTP server.
    public func application(extraServices: [any Service] = []) -> some ApplicationProtocol {
        let handlers: @Sendable () -> [any RemovableChannelHandler] = { [self] in
            state.loopRedis.map { [OnlineFeaturesChannelHandler(server: self, redis: $0)] } ?? []
        }
        return Application(router: router(), server: .http1(configuration: .init(additionalChannelHandlers: handlers())),
                    configuration: .init(address: .hostname(state.configuration.host, port: state.configuration.port), serverName: Self.serverName),
                    services: [RegistryReloader(state: state)] + (state.pushBuffer.map { [PushFlushService(buffer: $0)] } ?? []) + extraServices)
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

    /// Reads a JSON body, refusing other content types and bodies over the limit with a 400.
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

    /// The checks of a JSON request that need only its headers: the content type, and a declared length
    /// over `--max-body`. One pass over the fields: `HTTPFields`' subscript scans them all per name.
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
        if let type, !Self.isJSON(contentType: type) {
            throw APIError.badRequest("UNSUPPORTED_CONTENT_TYPE", "Content-Type \(type.lowercased()) is not JSON: send application/json (or no Content-Type)")
        }
        let limit = state.configuration.maxBody
        if let length, length > limit {
            throw APIError.badRequest("BODY_TOO_LARGE", "the body has \(length) bytes, over the limit of \(limit) (--max-body)")
        }
    }

    /// `application/json`, `…+json`, or the form type curl sends by default, in any letter case. Compares
    /// bytes rather than lowercasing a copy: it runs for every lookup.
    static func isJSON(contentType: String) -> Bool {
        let bytes = contentType.utf8
        func lowered(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        func hasPrefix(_ prefix: StaticString) -> Bool {
            guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
            return prefix.withUTF8Buffer { zip($0, bytes).allSatisfy { $0 == lowered($1) } }
        }
        if hasPrefix("application/json") || hasPrefix("application/x-www-form-urlencoded") { return true }
        let suffix = Array("+json".utf8)
        let lower = bytes.map(lowered)
        return lower.count >= suffix.count && (0...(lower.count - suffix.count)).contains { lower[$0..<$0 + suffix.count].elementsEqual(suffix) }
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
        case .failure(let error):
            if let error = error as? RedisError { state.metrics.add("larder_redis_errors_total{kind=\"\(error.kind.rawValue)\"}") }
            if let error = error as? OnlineStoreError, error.kind == .unavailable { state.metrics.add("larder_redis_errors_total{kind=\"unavailable\"}") }
            throw APIError(onlineStoreFailure: error)
        }
        state.metrics.observeLookup(result)
        return result
    }
}

/// Checks the registry for a new version every few seconds and loads it, so `larder apply` reaches a
/// running server without a restart.
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
