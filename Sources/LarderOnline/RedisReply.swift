/// One reply from Redis, mapped to Swift values (RESP2).
///
/// Bulk strings stay bytes (`[UInt8]`) because Redis values are binary; use ``string`` to read text.
///
/// ```swift
/// let reply = try await client.command("HGET", "user:1", "name")
/// if case .bytes(let b) = reply { print(String(decoding: b, as: UTF8.self)) }
/// reply.string      // "alice" or nil
/// ```
public enum RedisReply: Sendable, Hashable, CustomStringConvertible {
    /// A bulk string.
    case bytes([UInt8])
    /// A status line such as `OK` or `PONG`.
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    /// A nil bulk string or nil array (a missing key or field).
    case null
    /// An error reply, with Redis' message (e.g. `WRONGTYPE Operation against a key ...`).
    case error(String)

    /// Bulk strings and status lines as text (UTF-8, invalid bytes repaired), else `nil`.
    public var string: String? {
        switch self {
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        case .status(let s): s
        default: nil
        }
    }

    public var integer: Int64? {
        if case .integer(let n) = self { n } else { nil }
    }

    public var array: [RedisReply]? {
        if case .array(let a) = self { a } else { nil }
    }

    public var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// The error message, when the reply is an error.
    public var errorMessage: String? {
        if case .error(let m) = self { m } else { nil }
    }

    public var description: String {
        switch self {
        case .bytes(let b): "\"" + String(decoding: b, as: UTF8.self) + "\""
        case .status(let s): s
        case .integer(let n): "(integer) \(n)"
        case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .null: "(nil)"
        case .error(let m): "(error) \(m)"
        }
    }
}
