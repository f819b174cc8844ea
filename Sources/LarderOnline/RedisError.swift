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

    /// Error replies that say the server cannot answer *now* (still loading its dataset, a replica cut
    /// off from its primary, a script running, out of memory, a read-only replica after a failover) rather
    /// than that the command is wrong: a retry later can succeed, so a server answers them with 503.
    public static let transientReplyPrefixes = ["LOADING", "MASTERDOWN", "BUSY", "OOM", "READONLY", "TRYAGAIN", "CLUSTERDOWN"]

    /// Whether an error reply's message starts with one of ``transientReplyPrefixes`` as a whole word.
    public static func isTransientReply(_ message: some StringProtocol) -> Bool {
        let code = message.prefix { $0 != " " }
        return transientReplyPrefixes.contains { code == $0 }
    }

    /// Whether a later retry may succeed: a lost connection, a timeout, or a transient error reply.
    public var isTransient: Bool {
        switch kind {
        case .connection, .timeout: true
        case .server: Self.isTransientReply(message)
        case .protocol: true  // the connection was dropped and is reopened
        case .usage: false
        }
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
