package import Larder
import LarderOnline

/// The body of `POST /get-online-features`, as Feast's feature server accepts it:
/// `{"features": ["view:feature", ...]}` or `{"feature_service": "name"}`, with
/// `"entities": {"join_key": [values...]}` and optional `"full_feature_names": true`. On-demand views'
/// request fields come as extra keys of `entities` or in `"request_context": {"field": [values...]}`.
/// Unknown members are ignored, as Feast does.
package struct OnlineFeaturesRequest {
    package var featureService: String?
    /// Join key columns in the request's order (Feast answers them in that order).
    package var entities: [(name: String, values: [Value])]
    var fullFeatureNames = false
    /// `request_context`'s columns, in the request's order.
    package var requestContext: [(name: String, values: [Value])] = []
    /// The `features` list with its text, for the next request on the connection to reuse.
    var featureList: FeatureList?
    package var features: [String]? { featureList?.value }

    /// A decoded `features` list and the JSON text it came from.
    package typealias FeatureList = (text: [UInt8], value: [String])

    /// Reads a body, turning any failure into a 400 that names the field (`INVALID_REQUEST`) or the
    /// position of the syntax error (`MALFORMED_JSON`). A `features` list whose text equals
    /// `previousFeatures`' (clients repeat theirs on every call) is taken from it rather than decoded
    /// again: a 1-row lookup's names were most of its allocations.
    package static func decode(_ bytes: [UInt8], previousFeatures: FeatureList? = nil) throws(APIError) -> OnlineFeaturesRequest {
        var reader = JSONReader(bytes)
        var featureList: FeatureList?
        var service: String?
        var entities: [(name: String, values: [Value])]?
        var full: Bool?
        var context: [(name: String, values: [Value])] = []
        do throws(JSONReader.Failure) {
            try requireObject(&reader, path: "the body", expected: #"{"features": [...], "entities": {...}}"#)
            try reader.readObject { reader, key throws(JSONReader.Failure) in
                switch key {
                case "features":
                    featureList = try reader.read(reusing: previousFeatures) { reader throws(JSONReader.Failure) in
                        try readStrings(&reader, path: "features")
                    }
                case "feature_service":
                    guard try reader.peek() == .string else { throw try mismatch(&reader, path: "feature_service", expected: "a service name in quotes") }
                    service = try reader.readString()
                case "entities": entities = try readEntities(&reader)
                case "request_context": context = try readColumns(&reader, path: "request_context", expected: #"{"request_field": [values...]}"#, element: "a request value must be a number, a string, true, false or null")
                case "full_feature_names":
                    guard try reader.peek() == .bool else { throw try mismatch(&reader, path: "full_feature_names", expected: "true or false") }
                    full = try reader.readBool()
                default: try reader.skipValue()
                }
            }
            try reader.finish()
        } catch {
            throw APIError(error)
        }
        guard let entities else {
            throw APIError.badRequest("INVALID_REQUEST", #"entities is missing: give {"entities": {"join_key": [values...]}}"#)
        }
        return OnlineFeaturesRequest(featureService: service, entities: entities, fullFeatureNames: full ?? false,
                                     requestContext: context, featureList: featureList)
    }

    /// `"entities": {"join_key": [values...], ...}`: each value an integer, a string or null for a join key,
    /// and also a decimal number or a boolean for an on-demand view's request field (the lookup then says
    /// which values do not fit the key's or field's type).
    static func readEntities(_ reader: inout JSONReader) throws(JSONReader.Failure) -> [(name: String, values: [Value])] {
        try readColumns(&reader, path: "entities", expected: #"{"join_key": [values...]}"#,
                        element: "a join key value must be an integer or a string")
    }

    /// An object of equally shaped columns, `{"name": [values...], ...}` (`entities`, `request_context`).
    static func readColumns(_ reader: inout JSONReader, path parent: String, expected: String,
                            element: String) throws(JSONReader.Failure) -> [(name: String, values: [Value])] {
        try requireObject(&reader, path: parent, expected: expected)
        var columns: [(name: String, values: [Value])] = []
        columns.reserveCapacity(4)  // a few join keys: one allocation instead of regrowing
        try reader.readObject { reader, key throws(JSONReader.Failure) in
            // Only errors name the path: building it for every key would cost each request a string.
            func path() -> String { "\(parent).\(key)" }
            guard try reader.peek() == .array else { throw try mismatch(&reader, path: path(), expected: "a list of values") }
            var values: [Value] = []
            try reader.readArray { reader, position throws(JSONReader.Failure) in
                switch try reader.peek() {
                case .number:
                    values.append(try reader.readNumber())
                    return
                case .bool:
                    values.append(.bool(try reader.readBool()))
                    return
                case .string:
                    values.append(.string(try reader.readString()))
                    return
                case .null:
                    try reader.readNull()
                    values.append(.null)
                    return
                default: break
                }
                throw reader.shape("\(path())[\(position)]: \(element)")
            }
            columns.append((key, values))
        }
        return columns
    }

    static func readStrings(_ reader: inout JSONReader, path: String) throws(JSONReader.Failure) -> [String] {
        guard try reader.peek() == .array else { throw try mismatch(&reader, path: path, expected: "a list of strings") }
        var strings: [String] = []
        strings.reserveCapacity(16)  // feature lists are short: one allocation instead of regrowing
        try reader.readArray { reader, position throws(JSONReader.Failure) in
            guard try reader.peek() == .string else { throw try mismatch(&reader, path: "\(path)[\(position)]", expected: "a string") }
            strings.append(try reader.readString())
        }
        return strings
    }

    static func requireObject(_ reader: inout JSONReader, path: String, expected: String) throws(JSONReader.Failure) {
        guard try reader.peek() == .object else { throw try mismatch(&reader, path: path, expected: "an object \(expected)") }
    }

    /// A shape error naming what was found; the found value is still read, so a syntax error inside it wins.
    static func mismatch(_ reader: inout JSONReader, path: String, expected: String) throws(JSONReader.Failure) -> JSONReader.Failure {
        let found = try reader.peek()
        try reader.skipValue()
        let article = found == .array || found == .object ? "an" : "a"
        return reader.shape("\(path): expected \(expected), found \(found == .null ? "null" : "\(article) \(found.rawValue)")")
    }

    /// The lookup query.
    func query() throws(APIError) -> OnlineLookup.Query {
        let features: OnlineLookup.Query.Features
        switch (self.features, featureService) {
        case (let list?, nil): features = .references(list)
        case (nil, let service?): features = .service(service)
        case (nil, nil): throw APIError.badRequest("INVALID_REQUEST", "give \"features\" (a list of view:feature) or \"feature_service\"")
        case (_?, _?): throw APIError.badRequest("INVALID_REQUEST", "give either \"features\" or \"feature_service\", not both")
        }
        return OnlineLookup.Query(features: features, entities: entities, fullFeatureNames: fullFeatureNames, requestContext: requestContext)
    }
}

extension APIError {
    /// A 400 for a body that could not be read: `MALFORMED_JSON` for bad syntax, `INVALID_REQUEST` for a
    /// wrong shape.
    init(_ failure: JSONReader.Failure) {
        switch failure.kind {
        case .syntax: self = .badRequest("MALFORMED_JSON", "the body is not valid JSON: \(failure.message)")
        case .shape: self = .badRequest("INVALID_REQUEST", failure.message)
        }
    }
}
