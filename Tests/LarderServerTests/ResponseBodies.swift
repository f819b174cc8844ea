import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// One entry of a response's value lists, as JSON has it.
enum JSONScalar: Decodable, Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? container.decode(Double.self) {
            self = .number(d)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): String(b)
        case .integer(let i): String(i)
        case .number(let d): String(d)
        case .string(let s): "\"\(s)\""
        }
    }
}

/// Feast's `get-online-features` response: feature names, then one column per name.
struct FeastResponse: Decodable, Sendable {
    struct Column: Decodable, Equatable, Sendable {
        var values: [JSONScalar]
        var statuses: [String]
        var eventTimestamps: [String]

        enum CodingKeys: String, CodingKey {
            case values, statuses
            case eventTimestamps = "event_timestamps"
        }
    }

    var featureNames: [String]
    var results: [Column]

    enum CodingKeys: String, CodingKey { case metadata, results }
    enum MetadataKeys: String, CodingKey { case featureNames = "feature_names" }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        featureNames = try container.nestedContainer(keyedBy: MetadataKeys.self, forKey: .metadata).decode([String].self, forKey: .featureNames)
        results = try container.decode([Column].self, forKey: .results)
    }

    /// The column named `name`, for lookups by name rather than position.
    func column(_ name: String) -> Column? {
        featureNames.firstIndex(of: name).map { results[$0] }
    }
}

/// The body of every error answer: `{"error": {"code": ..., "message": ...}}`.
struct ErrorBody: Decodable, Sendable {
    struct Detail: Decodable, Sendable {
        var code: String
        var message: String
    }
    var error: Detail
}

extension TestResponse {
    func decoded<T: Decodable>(as type: T.Type, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            Issue.record("the body is not a \(T.self): \(error)\n\(text)", sourceLocation: sourceLocation)
            throw error
        }
    }
}

/// How a response prints an event time: whole seconds, UTC; join keys and missing rows get the epoch.
let epoch = "1970-01-01T00:00:00Z"
