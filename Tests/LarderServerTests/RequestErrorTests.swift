import Foundation
import Hummingbird
import HummingbirdTesting
import LarderServer
import Testing

/// One request the server must refuse — 400, or 413/415 for the body's size and type — with the stable
/// code clients switch on, and the message a person needs to fix the request (it names the offending
/// feature, key or field).
struct BadRequestCase: Sendable, CustomTestStringConvertible {
    enum Message: Sendable {
        case equals(String)
        /// For messages that quote Foundation's decoder, whose wording is not ours.
        case contains([String])
    }

    var name: String
    var body: String
    var contentType: String? = "application/json"
    var status: HTTPResponse.Status = .badRequest
    var code: String
    var message: Message
    /// Answered before the body is read, with `Connection: close` (413 from `Content-Length`).
    var closesConnection = false

    var testDescription: String { name }

    static let driverFeature = #""features": ["driver_hourly_stats:conv_rate"]"#
    static let twoViews = #""features": ["driver_hourly_stats:conv_rate", "customer_stats:segment"]"#

    /// The fixture's limits: at most 3 rows and 2048 bytes per request.
    static let all: [BadRequestCase] = [
        BadRequestCase(
            name: "unknown view", body: #"{"features": ["driver_stats_v9:conv_rate"], "entities": {"driver_id": [1001]}}"#,
            code: "UNKNOWN_FEATURE_VIEW",
            message: .equals(#"unknown feature view "driver_stats_v9" in "driver_stats_v9:conv_rate"; views: driver_hourly_stats, customer_stats, driver_history"#)),
        BadRequestCase(
            name: "view not served online", body: #"{"features": ["driver_history:conv_rate"], "entities": {"driver_id": [1001]}}"#,
            code: "UNKNOWN_FEATURE_VIEW", message: .equals("view driver_history is not served online (online: false)")),
        BadRequestCase(
            name: "unknown feature", body: #"{"features": ["driver_hourly_stats:conv_rte"], "entities": {"driver_id": [1001]}}"#,
            code: "UNKNOWN_FEATURE",
            message: .equals(#"view driver_hourly_stats has no feature "conv_rte"; it has conv_rate, acc_rate, avg_daily_trips"#)),
        BadRequestCase(
            name: "unknown feature service", body: #"{"feature_service": "driver_activity_v2", "entities": {"driver_id": [1001]}}"#,
            code: "UNKNOWN_FEATURE_SERVICE", message: .equals(#"unknown feature service "driver_activity_v2"; services: driver_activity, rides"#)),
        BadRequestCase(
            name: "feature reference without a view", body: #"{"features": ["conv_rate"], "entities": {"driver_id": [1001]}}"#,
            code: "INVALID_FEATURE_REFERENCE",
            message: .equals(#""conv_rate" is not a feature reference; write view:feature, e.g. driver_stats:conv_rate"#)),
        BadRequestCase(
            name: "feature reference with two colons",
            body: #"{"features": ["driver_hourly_stats:conv_rate:v2"], "entities": {"driver_id": [1001]}}"#,
            code: "INVALID_FEATURE_REFERENCE",
            message: .equals(#""driver_hourly_stats:conv_rate:v2" is not a feature reference; write view:feature, e.g. driver_stats:conv_rate"#)),
        BadRequestCase(
            name: "empty features list", body: #"{"features": [], "entities": {"driver_id": [1001]}}"#,
            code: "INVALID_REQUEST", message: .equals(#""features" is empty: name at least one view:feature"#)),
        BadRequestCase(
            name: "missing join key", body: #"{\#(twoViews), "entities": {"customer_id": [5]}}"#,
            code: "MISSING_JOIN_KEY",
            message: .equals(#"join key driver_id is missing from "entities"; view driver_hourly_stats needs driver_id"#)),
        BadRequestCase(
            name: "extra join key", body: #"{\#(driverFeature), "entities": {"driver_id": [1001], "customer_id": [5]}}"#,
            code: "UNEXPECTED_JOIN_KEY",
            message: .equals(#""entities" has customer_id, which none of the requested views joins on (they use driver_id)"#)),
        BadRequestCase(
            name: "float as a join key value", body: #"{\#(driverFeature), "entities": {"driver_id": [1001.5]}}"#,
            code: "INVALID_REQUEST", message: .equals("entities.driver_id[0]: a join key value must be an integer or a string")),
        BadRequestCase(
            name: "object as a join key value", body: #"{\#(driverFeature), "entities": {"driver_id": [1001, {"id": 1002}]}}"#,
            code: "INVALID_REQUEST", message: .equals("entities.driver_id[1]: a join key value must be an integer or a string")),
        BadRequestCase(
            name: "string for an integer join key", body: #"{\#(driverFeature), "entities": {"driver_id": [1001, "1002"]}}"#,
            code: "INVALID_ENTITY_VALUE",
            message: .equals("value 1002 at position 1 of join key driver_id is not an integer (driver_id is int64)")),
        BadRequestCase(
            name: "null join key value", body: #"{\#(driverFeature), "entities": {"driver_id": [null]}}"#,
            code: "INVALID_ENTITY_VALUE",
            message: .equals("value null at position 0 of join key driver_id is not an integer (driver_id is int64)")),
        BadRequestCase(
            name: "join key given a single value instead of a list", body: #"{\#(driverFeature), "entities": {"driver_id": 1001}}"#,
            code: "INVALID_REQUEST", message: .contains(["entities.driver_id: "])),
        BadRequestCase(
            name: "no entities", body: #"{\#(driverFeature)}"#,
            code: "INVALID_REQUEST", message: .equals(#"entities is missing: give {"entities": {"join_key": [values...]}}"#)),
        BadRequestCase(
            name: "entity columns of different lengths", body: #"{\#(twoViews), "entities": {"driver_id": [1001, 1002], "customer_id": [5]}}"#,
            code: "INVALID_ENTITIES",
            message: .equals("entity columns have different lengths: driver_id has 2 values, customer_id has 1 values")),
        BadRequestCase(
            name: "no entity rows", body: #"{\#(driverFeature), "entities": {"driver_id": []}}"#,
            code: "INVALID_ENTITIES", message: .equals(#""entities" holds no rows: give each join key a list of values"#)),
        BadRequestCase(
            name: "more rows than --max-rows", body: #"{\#(driverFeature), "entities": {"driver_id": [1001, 1002, 1003, 1004]}}"#,
            code: "TOO_MANY_ROWS", message: .equals("4 entity rows exceed the limit of 3 per request; split the request")),
        BadRequestCase(
            name: "body over --max-body", body: oversizedBody, status: .contentTooLarge,
            code: "BODY_TOO_LARGE", message: .equals("the body has \(oversizedBody.utf8.count) bytes, over the limit of 2048 (--max-body)"),
            closesConnection: true),
        BadRequestCase(
            name: "truncated JSON", body: #"{\#(driverFeature), "entities": {"driver_id": [1001]"#,
            code: "MALFORMED_JSON", message: .contains(["the body is not valid JSON"])),
        BadRequestCase(
            name: "empty body", body: "",
            code: "MALFORMED_JSON", message: .contains(["the body is not valid JSON"])),
        BadRequestCase(
            name: "text/plain content type", body: #"{\#(driverFeature), "entities": {"driver_id": [1001]}}"#, contentType: "text/plain",
            status: .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
            message: .equals("POST bodies must be JSON: send the header Content-Type: application/json (this request has Content-Type text/plain)")),
        // What a web page's form can post without a CORS preflight: it overwrote online values before 415.
        BadRequestCase(
            name: "form content type", body: #"{\#(driverFeature), "entities": {"driver_id": [1001]}}"#,
            contentType: "application/x-www-form-urlencoded", status: .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
            message: .equals("POST bodies must be JSON: send the header Content-Type: application/json (this request has Content-Type application/x-www-form-urlencoded)")),
        BadRequestCase(
            name: "no content type", body: #"{\#(driverFeature), "entities": {"driver_id": [1001]}}"#, contentType: nil,
            status: .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
            message: .equals("POST bodies must be JSON: send the header Content-Type: application/json (this request has no Content-Type)")),
        BadRequestCase(
            name: "a JSON-looking but non-JSON media type", body: #"{\#(driverFeature), "entities": {"driver_id": [1001]}}"#,
            contentType: "text/json+xml", status: .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
            message: .contains(["send the header Content-Type: application/json"])),
        BadRequestCase(
            name: "a JSON array instead of an object", body: #"[{\#(driverFeature)}]"#,
            code: "INVALID_REQUEST", message: .contains(["the body: "])),
        BadRequestCase(
            name: "both features and feature_service",
            body: #"{\#(driverFeature), "feature_service": "driver_activity", "entities": {"driver_id": [1001]}}"#,
            code: "INVALID_REQUEST", message: .equals(#"give either "features" or "feature_service", not both"#)),
        BadRequestCase(
            name: "neither features nor feature_service", body: #"{"entities": {"driver_id": [1001]}}"#,
            code: "INVALID_REQUEST", message: .equals(#"give "features" (a list of view:feature) or "feature_service""#)),
        BadRequestCase(
            name: "features as a string, not a list", body: #"{"features": "driver_hourly_stats:conv_rate", "entities": {"driver_id": [1001]}}"#,
            code: "INVALID_REQUEST", message: .contains(["features: "])),
        BadRequestCase(
            name: "full_feature_names not a boolean", body: #"{\#(driverFeature), "entities": {"driver_id": [1001]}, "full_feature_names": "yes"}"#,
            code: "INVALID_REQUEST", message: .contains(["full_feature_names: "])),
    ]

    /// A valid request padded with spaces past the fixture's 2048-byte limit.
    static let oversizedBody = #"{\#(driverFeature), "entities": {"driver_id": [1001]}"# + String(repeating: " ", count: 2100) + "}"
}

@Suite("get-online-features refusals")
struct RequestErrorTests {
    @Test("every malformed or unanswerable request is a 400 (413, 415) with its code and a message naming what is wrong",
          arguments: BadRequestCase.all)
    func badRequest(_ bad: BadRequestCase) async throws {
        try await withServer { fixture, client in
            let response = try await client.lookup(bad.body, contentType: bad.contentType)
            #expect(response.status == bad.status, "\(response.text)")
            #expect(response.headers[.connection] == (bad.closesConnection ? "close" : nil))
            #expect(response.headers[.contentType] == "application/json")
            let error = try response.decoded(as: ErrorBody.self).error
            #expect(error.code == bad.code)
            switch bad.message {
            case .equals(let message):
                #expect(error.message == message)
            case .contains(let fragments):
                for fragment in fragments { #expect(error.message.contains(fragment), "\(error.message)") }
            }
            #expect(fixture.metrics.value(#"larder_http_requests_total{route="/get-online-features",status="\#(bad.status.code)"}"#) == 1)
            #expect(fixture.metrics.value("larder_entities_looked_up_total") == 0, "a refused request looks nothing up")
        }
    }

    @Test("a request at exactly --max-rows and under --max-body is answered")
    func limitsAreInclusive() async throws {
        try await withServer { _, client in
            let body = #"{"features": ["driver_hourly_stats:conv_rate"], "entities": {"driver_id": [1001, 1002, 1004]}}"#
            let response = try await client.lookup(body)
            #expect(response.status == .ok, "\(response.text)")
            #expect(try response.decoded(as: FeastResponse.self).column("conv_rate")?.statuses == ["PRESENT", "PRESENT", "NOT_FOUND"])

            let padded = #"{"features": ["driver_hourly_stats:conv_rate"], "entities": {"driver_id": [1001]}"#
            let exactlyAtLimit = padded + String(repeating: " ", count: 2048 - padded.utf8.count - 1) + "}"
            #expect(exactlyAtLimit.utf8.count == 2048)
            let atLimit = try await client.lookup(exactlyAtLimit)
            #expect(atLimit.status == .ok, "\(atLimit.text)")
        }
    }
}
