import Foundation
import Hummingbird
import Larder
import LarderColumnar
import LarderOnline
import LarderQuality
import LarderRegistry
import ServiceLifecycle

/// The body of `POST /push`, as Feast's feature server takes it.
struct PushRequest: Decodable {
    var pushSourceName: String?
    var featureView: String?
    var df: [String: [PushValue]]
    var to: String?

    enum CodingKeys: String, CodingKey {
        case df, to
        case pushSourceName = "push_source_name"
        case featureView = "feature_view"
    }
}

extension FeatureServer {
    /// `POST /push {"push_source_name" | "feature_view": NAME, "df": {"col": [...]}, "to": "online" |
    /// "offline" | "online_and_offline"}` → `{"rows": N, "view": NAME}`. Rows go through the view's
    /// transform and type checks first; a push that fails them writes nothing.
    func push(_ request: Request) async throws -> Response {
        guard let repository = state.repository else {
            throw APIError(.serviceUnavailable, code: "PUSH_UNAVAILABLE", message: "this server was started without compiled definitions")
        }
        let body = try await jsonBody(request)
        let parsed: PushRequest
        do {
            parsed = try JSONDecoder().decode(PushRequest.self, from: Data(body))
        } catch let error as DecodingError {
            throw APIError.describing(error)
        }
        guard let name = parsed.featureView ?? parsed.pushSourceName else {
            throw APIError.badRequest("INVALID_REQUEST", "give \"feature_view\" or \"push_source_name\"")
        }
        guard let destination = PushIngestion.Destination(rawValue: parsed.to ?? "online") else {
            throw APIError.badRequest("INVALID_REQUEST", "\"to\" must be online, offline or online_and_offline, not \(parsed.to!)")
        }
        let ingestion = PushIngestion(repository: repository, store: state.store, offline: state.pushBuffer,
                                      quality: QualityLog(database: state.registry.database))
        let aggregations = ingestion.aggregationViews(named: name)
        if !aggregations.isEmpty {
            return try await pushEvents(parsed, views: aggregations, ingestion: ingestion, destination: destination)
        }
        let view = try ingestion.view(named: name)
        let columns = parsed.df.sorted { $0.key < $1.key }.map { (name: $0.key, values: $0.value) }
        let batch = try PushIngestion.batch(view: view, columns: columns)
        guard batch.rowCount <= state.configuration.maxPushRows else {
            throw APIError.badRequest("TOO_MANY_ROWS", "\(batch.rowCount) rows in one push; split it")
        }
        let rows = try await Self.answeringStoreFailures { try await ingestion.push(view: view, batch: batch, to: destination) }
        state.metrics.add("larder_pushed_rows_total{view=\"\(view.name)\"}", Double(rows))
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: "{\"view\":\"\(view.name)\",\"rows\":\(rows)}")))
    }
}

extension FeatureServer {
    /// Events for aggregation views: `{"view": NAME, "rows": N, "applied": A, "duplicates": D, "late": L}` — late
    /// events (older than the view's allowed lateness) are stored offline and counted by the next batch run, and
    /// counted in `larder_push_late_events_total`.
    private func pushEvents(_ parsed: PushRequest, views: [AggregationView], ingestion: PushIngestion,
                            destination: PushIngestion.Destination) async throws -> Response {
        let columns = parsed.df.sorted { $0.key < $1.key }.map { (name: $0.key, values: $0.value) }
        let batch = try PushIngestion.batch(view: views[0].eventsView, columns: columns)
        guard batch.rowCount <= state.configuration.maxPushRows else {
            throw APIError.badRequest("TOO_MANY_ROWS", "\(batch.rowCount) rows in one push; split it")
        }
        let pushed = try await Self.answeringStoreFailures { try await ingestion.pushEvents(views: views, batch: batch, to: destination) }
        for view in views {
            state.metrics.add("larder_pushed_rows_total{view=\"\(view.name)\"}", Double(batch.rowCount))
        }
        if pushed.online.late > 0 {
            state.metrics.add("larder_push_late_events_total{source=\"\(views[0].source.name)\"}", Double(pushed.online.late))
        }
        let names = pushed.views.joined(separator: ",")
        let body = "{\"view\":\"\(names)\",\"rows\":\(pushed.rows),\"applied\":\(pushed.online.applied),\"duplicates\":\(pushed.online.duplicates),\"late\":\(pushed.online.late)}"
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

extension FeatureServer {
    /// Runs a push, turning the stores' failures into the 503s a client retries: Redis down or refusing, the
    /// offline store unable to commit.
    static func answeringStoreFailures<T: Sendable>(_ push: () async throws -> T) async throws -> T {
        do {
            return try await push()
        } catch let error as RedisError {
            throw APIError(onlineStoreFailure: error)
        } catch let error as OnlineStoreError {
            throw APIError(onlineStoreFailure: error)
        } catch let error as OfflinePushError {
            throw APIError(.serviceUnavailable, code: "OFFLINE_STORE_UNAVAILABLE", message: error.description,
                           headers: [.retryAfter: APIError.onlineStoreRetryAfter])
        }
    }
}

/// On shutdown, waits until every offline push in flight is committed (or refused) before the server stops.
struct PushFlushService: Service {
    let buffer: OfflinePushBuffer

    func run() async throws {
        try? await gracefulShutdown()
        await buffer.drain()
    }
}
