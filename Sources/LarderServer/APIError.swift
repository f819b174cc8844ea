public import Hummingbird
public import LarderOnline
import Foundation

/// An error answered as `{"error": {"code": ..., "message": ...}}` with its HTTP status.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
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
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}
