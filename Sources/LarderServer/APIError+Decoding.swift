import Foundation

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
