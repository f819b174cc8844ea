import Foundation
import Hummingbird
import Larder
import LarderOffline
import LarderRegistry

/// Feast's materialization bodies: `{"start_ts", "end_ts", "feature_views"}` (incremental: `end_ts` only).
struct MaterializeRequest: Decodable {
    var startTs: String?
    var endTs: String?
    var featureViews: [String]?

    enum CodingKeys: String, CodingKey {
        case startTs = "start_ts", endTs = "end_ts", featureViews = "feature_views"
    }
}

extension FeatureServer {
    /// `POST /materialize` and `POST /materialize-incremental`: answer 202 with the job ids at once and run
    /// the jobs on their own thread; 409 when a view is already being materialized.
    func materialize(_ request: Request, incremental: Bool) async throws -> Response {
        guard let materializer = state.materializer else {
            throw APIError(.serviceUnavailable, code: "MATERIALIZATION_UNAVAILABLE", message: "this server was started without a materializer")
        }
        let body = try await jsonBody(request)
        let parsed: MaterializeRequest
        do {
            parsed = try JSONDecoder().decode(MaterializeRequest.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        } catch let error as DecodingError {
            throw APIError.describing(error)
        }
        func time(_ text: String?, _ field: String) throws(APIError) -> Timestamp? {
            guard let text else { return nil }
            do { return try Timestamp(parsing: text) } catch { throw APIError.badRequest("INVALID_REQUEST", "\(field): \(error)") }
        }
        let views = try (parsed.featureViews ?? materializer.repository.views.map(\.name)).map { name throws(APIError) in
            guard let view = materializer.repository.view(named: name) else {
                throw APIError.badRequest("UNKNOWN_FEATURE_VIEW", "no feature view named \"\(name)\"")
            }
            return view
        }
        let end = try time(parsed.endTs, "end_ts") ?? .now()
        // Incremental: one job per view (each has its own watermark), none for a view with nothing new.
        // Otherwise one job for all views over [start_ts, end_ts).
        let groups: [[FeatureView]]
        let begin: ([FeatureView]) throws -> Materializer.BegunJob?
        if incremental {
            groups = views.map { [$0] }
            begin = { try materializer.beginIncremental(view: $0[0], end: end, trigger: "http") }
        } else {
            guard let start = try time(parsed.startTs, "start_ts") else { throw APIError.badRequest("INVALID_REQUEST", "start_ts is missing") }
            groups = [views]
            begin = { try materializer.begin(views: $0, interval: EventInterval(start: start, end: end), trigger: "http") }
        }
        var ids: [Int64] = []
        for group in groups {
            let job: Materializer.BegunJob
            do {
                guard let begun = try begin(group) else { continue }
                job = begun
            } catch let busy as ViewBusyError {
                throw APIError(.conflict, code: "VIEW_BUSY", message: busy.description)
            } catch let error as MaterializationError {
                throw APIError.badRequest("INVALID_REQUEST", error.description)
            }
            ids.append(job.id)
            // The job row records the outcome; the client follows it with GET /jobs/{id}.
            Thread.detachNewThread { _ = try? materializer.execute(job) }
        }
        let list = ids.map(String.init).joined(separator: ",")
        return Response(status: .accepted, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: "{\"job_ids\":[\(list)]}")))
    }

    /// `GET /jobs/{id}`: one job row as JSON.
    func job(_ text: String) async throws -> Response {
        guard let id = Int64(text) else { throw APIError.badRequest("INVALID_REQUEST", "job id \(text) is not a number") }
        guard let log = state.materializer?.jobs else {
            throw APIError(.serviceUnavailable, code: "MATERIALIZATION_UNAVAILABLE", message: "this server was started without a materializer")
        }
        guard let job = try await log.loadJob(id) else {
            throw APIError(.notFound, code: "JOB_NOT_FOUND", message: "no job \(id)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(job))))
    }
}
