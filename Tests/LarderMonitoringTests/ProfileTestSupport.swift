import Foundation

/// Encodes `value` as the profiles are stored (JSON, sorted keys), decodes it back, and checks that
/// encoding the copy gives the same text.
func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(value)
    let decoded = try JSONDecoder().decode(T.self, from: data)
    guard try encoder.encode(decoded) == data else { throw RoundTripError.unstable(String(decoding: data, as: UTF8.self)) }
    return decoded
}

enum RoundTripError: Error {
    case unstable(String)
}
