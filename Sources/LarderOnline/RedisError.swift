/// Why a Redis command failed: which command, against which server, and what to do about it.
///
/// Error *replies* inside a pipeline are not thrown: they come back as ``RedisReply/error(_:)`` in
/// their slot so one bad command does not hide the other replies. ``RedisClient/command(_:)``
/// (a single command) throws them as ``Kind/server``.
///
/// ```swift
/// do { _ = try await client.command("INCR", "a-hash-key") }
/// catch let error as RedisError where error.kind == .server {
///     print(error.message)   // "WRONGTYPE Operation against a key holding the wrong kind of value"
/// }
/// ```
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed; `error.kind == .connection` is the only kind a retry can cure.
    public enum Kind: String, Sendable, Hashable {
        /// Could not connect, or the connection was lost (reset, closed by the server, killed).
        case connection
        /// The connect or command timeout elapsed; the connection is dropped because its state is unknown.
        case timeout
        /// Redis answered with an error reply (the message is Redis' own).
        case server
        /// A reply could not be read (corrupt stream, out of memory in the reader).
        case `protocol`
        /// The client was shut down, or was asked for something it cannot do.
        case usage
    }

    public var kind: Kind
    /// The command's name (`HMGET`, `EVALSHA`...) or `CONNECT`, `AUTH`, `SELECT`.
    public var command: String
    /// `host:port` or the socket path.
    public var address: String
    /// Redis' error message, or hiredis' description of the I/O failure.
    public var message: String

    public init(kind: Kind, command: String, address: String, message: String) {
        self.kind = kind
        self.command = command
        self.address = address
        self.message = message
    }

    /// Whether the failure may have happened before the server ran the command, so a retry on a new
    /// connection is meaningful (it is only *safe* for read-only or idempotent commands).
    public var isConnectionLoss: Bool { kind == .connection }

    public var description: String {
        let hint: String = switch kind {
        case .connection: "check that redis-server is running at \(address) and reachable"
        case .timeout: "the server at \(address) is slow or unreachable; raise the timeout or check its load"
        case .server: "fix the command or the data it touches"
        case .protocol: "the reply stream is corrupt; the connection was dropped and will be reopened"
        case .usage: "see the RedisClient documentation"
        }
        return "Redis \(command) at \(address) failed (\(kind.rawValue)): \(message); \(hint)"
    }
}
