import Foundation
import Larder
import LarderOnline

/// The body of `POST /get-online-features`, as Feast's feature server accepts it:
/// `{"features": ["view:feature", ...]}` or `{"feature_service": "name"}`, with
/// `"entities": {"join_key": [values...]}` and optional `"full_feature_names": true`.
struct OnlineFeaturesRequest: Decodable {
    var features: [String]?
    var featureService: String?
    var entities: [String: [EntityValue]]
    var fullFeatureNames: Bool?

    enum CodingKeys: String, CodingKey {
        case features, entities
        case featureService = "feature_service"
        case fullFeatureNames = "full_feature_names"
    }

    /// A join key value: an integer or a string.
    struct EntityValue: Decodable {
        var value: Value
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let i = try? container.decode(Int64.self) {
                value = .int64(i)
            } else if let s = try? container.decode(String.self) {
                value = .string(s)
            } else if container.decodeNil() {
                value = .null
            } else {
                throw DecodingError.typeMismatch(Value.self, .init(codingPath: decoder.codingPath,
                    debugDescription: "a join key value must be an integer or a string"))
            }
        }
    }

    /// Decodes a body, turning decoding failures into messages that name the field.
    static func decode(_ bytes: [UInt8]) throws(APIError) -> OnlineFeaturesRequest {
        do {
            return try JSONDecoder().decode(OnlineFeaturesRequest.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw APIError.describing(error)
        } catch {
            throw APIError.badRequest("MALFORMED_JSON", "the body is not valid JSON: \(error)")
        }
    }

    /// The lookup query, entity columns ordered by the join keys' names for a stable response.
    func query() throws(APIError) -> OnlineLookup.Query {
        let features: OnlineLookup.Query.Features
        switch (self.features, featureService) {
        case (let list?, nil): features = .references(list)
        case (nil, let service?): features = .service(service)
        case (nil, nil): throw APIError.badRequest("INVALID_REQUEST", "give \"features\" (a list of view:feature) or \"feature_service\"")
        case (_?, _?): throw APIError.badRequest("INVALID_REQUEST", "give either \"features\" or \"feature_service\", not both")
        }
        let columns = entities.sorted { $0.key < $1.key }.map { (name: $0.key, values: $0.value.map(\.value)) }
        return OnlineLookup.Query(features: features, entities: columns, fullFeatureNames: fullFeatureNames ?? false)
    }
}

extension APIError {
    /// A 400 naming the JSON path and what was expected.
    static func describing(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
            return text.isEmpty ? "the body" : text
        }
        switch error {
        case .dataCorrupted(let c) where c.codingPath.isEmpty:
            return .badRequest("MALFORMED_JSON", "the body is not valid JSON (\(c.underlyingError.map { "\($0)" } ?? c.debugDescription))")
        case .dataCorrupted(let c):
            return .badRequest("INVALID_REQUEST", "\(path(c.codingPath)): \(c.debugDescription)")
        case .keyNotFound(let key, let c):
            let field = path(c.codingPath + [key])
            return .badRequest("INVALID_REQUEST", "\(field) is missing" + (field == "entities" ? ": give {\"entities\": {\"join_key\": [values...]}}" : ""))
        case .typeMismatch(_, let c):
            return .badRequest("INVALID_REQUEST", "\(path(c.codingPath)): \(c.debugDescription)")
        case .valueNotFound(_, let c):
            return .badRequest("INVALID_REQUEST", "\(path(c.codingPath)) is null")
        @unknown default:
            return .badRequest("INVALID_REQUEST", "\(error)")
        }
    }
}
