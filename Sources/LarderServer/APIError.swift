public import Hummingbird
public import LarderOnline
import Foundation

/// An error answered as `{"error": {"code": ..., "message": ...}}` with its HTTP status.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Headers the answer carries besides its content type (`WWW-Authenticate` on a 401, `Retry-After` on a 503).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code: code, message: message) }

    /// 400 for what the client must fix; 500 when the server lacks the registered on-demand code; 501 for
    /// features lookups cannot answer yet.
    public init(_ lookup: LookupError) {
        let status: HTTPResponse.Status = switch lookup.code {
        case .onDemandUnavailable: .internalServerError
        case .notServedOnline: .notImplemented
        default: .badRequest
        }
        self.init(status, code: lookup.code.rawValue, message: lookup.message)
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// 413 for a body that went over `--max-body` while it was read (no `Content-Length` to tell before).
    static func tooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "BODY_TOO_LARGE", message: "the body is over the limit of \(limit) bytes (--max-body)")
    }

    /// 413 decided from `Content-Length` before the body is read. The connection closes after the answer
    /// rather than read a body it would throw away (``RequestGuardHandler``).
    static func tooLarge(length: Int, limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "BODY_TOO_LARGE", message: "the body has \(length) bytes, over the limit of \(limit) (--max-body)",
                 headers: [.connection: "close"])
    }

    /// 415 for a POST body that is not declared JSON: a form or `text/plain` post is what a web page can
    /// send to the server without a CORS preflight.
    static func notJSON(contentType: String?) -> APIError {
        let had = contentType.map { "this request has Content-Type \($0)" } ?? "this request has no Content-Type"
        return APIError(.unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
                        message: "POST bodies must be JSON: send the header Content-Type: application/json (\(had))")
    }

    /// `{"error": {"code": ..., "message": ...}}`
    var json: [UInt8] {
        var json = JSONText()
        json.raw("{\"error\":{\"code\":")
        json.string(code)
        json.raw(",\"message\":")
        json.string(message)
        json.raw("}}")
        return json.bytes
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields: HTTPFields = [.contentType: "application/json"]
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}
