public import Hummingbird
public import LarderOnline
import Foundation

/// An error answered as `{"error": {"code": ..., "message": ...}}` with its HTTP status.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Headers the answer carries besides the content type (e.g. `Retry-After` on a 503).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code: code, message: message) }

    public init(_ lookup: LookupError) { self.init(.badRequest, code: lookup.code.rawValue, message: lookup.message) }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func tooLarge(limit: Int) -> APIError {
        badRequest("BODY_TOO_LARGE", "the body is over the limit of \(limit) bytes (--max-body)")
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
