import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread-safe async Redis client: a small pool of connections, each served by its own thread.
///
/// hiredis calls block, so they run only on the pool's dedicated threads, never on Swift's
/// cooperative pool or a NIO event loop. Each call goes to the least busy connection; a pipeline
/// is one write and one round trip.
///
/// **Retry rule.** When a command fails because the connection was lost (reset, closed, killed by
/// `CLIENT KILL`), the connection is reopened at once and the batch is resent *once* on the fresh
/// connection, but only if that cannot apply a change twice: with ``RetryPolicy/readOnly`` (the
/// default) when every command is in ``RedisPipeline/readOnlyCommands``; with
/// ``RetryPolicy/idempotent`` when the caller vouches for the batch (e.g. the online store's
/// never-older write script, which is a no-op when applied twice). Timeouts are never retried (the
/// server may still be executing the command), and nothing is retried with ``RetryPolicy/never``.
/// While the server stays unreachable, reconnects back off exponentially (see ``Options``).
///
/// Requests that queue behind a busy connection leave together in one write (automatic
/// pipelining), so a few connections serve many concurrent callers. Cancelling a task does not
/// recall a command already queued: the call returns when its reply arrives or the command
/// timeout expires.
///
/// ```swift
/// let client = try RedisClient(url: "redis://127.0.0.1:6380/0", options: .init(connections: 4))
/// try await client.ping()
/// _ = try await client.command("HSET", "user:1", "name", "alice")
/// let replies = try await client.pipeline([[Array("HGET".utf8), Array("user:1".utf8), Array("name".utf8)]])
/// ```
public final class RedisClient: Sendable {
    /// Pool size, timeouts and reconnect backoff.
    ///
    /// ```swift
    /// let options = RedisClient.Options(connections: 2, commandTimeout: .milliseconds(500))
    /// ```
    public struct Options: Sendable, Hashable {
        /// Connections (each with its own thread). Two to four saturate one Redis server.
        public var connections: Int
        public var connectTimeout: Duration
        /// How long a command or pipeline may wait for its replies; `nil` waits forever.
        public var commandTimeout: Duration?
        /// The wait after the first failed reconnect; it doubles per failure up to `maximumBackoff`.
        public var initialBackoff: Duration
        /// The longest wait between reconnect attempts. Half a second by default, so a connection is back
        /// within a second of Redis answering again (each attempt is one connect; it costs Redis nothing).
        public var maximumBackoff: Duration

        public init(connections: Int = 4, connectTimeout: Duration = .seconds(2), commandTimeout: Duration? = .seconds(5),
                    initialBackoff: Duration = .milliseconds(50), maximumBackoff: Duration = .milliseconds(500)) {
            self.connections = connections
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
        }
    }

    /// When a batch that failed from a lost connection may be resent once on a fresh connection.
    ///
    /// ```swift
    /// try await client.pipeline(writes, retry: .idempotent)   // e.g. SET of fixed values
    /// try await client.command("INCR", "hits", retry: .never)
    /// ```
    public enum RetryPolicy: Sendable, Hashable {
        /// Resend only if every command only reads (``RedisPipeline/isReadOnly``).
        case readOnly
        /// Resend: the caller guarantees applying the batch twice equals applying it once.
        case idempotent
        case never

        /// Whether `pipeline` may be resent after a connection loss under this policy.
        func allows(_ pipeline: RedisPipeline) -> Bool {
            switch self {
            case .readOnly: pipeline.isReadOnly
            case .idempotent: true
            case .never: false
            }
        }
    }

    public let url: RedisURL
    public let options: Options
    private let threads: [RedisConnectionThread]

    /// Creates the pool; connections open lazily on first use (call ``ping()`` to check the server).
    public init(url: RedisURL, options: Options = Options()) {
        precondition(options.connections > 0, "RedisClient needs at least one connection")
        RedisClient.ignoreSIGPIPE()
        self.url = url
        self.options = options
        threads = (0..<options.connections).map { _ in
            RedisConnectionThread(slot: RedisConnectionSlot(url: url, options: options))
        }
        for thread in threads { thread.start() }
    }

    public convenience init(url: String, options: Options = Options()) throws(RedisURLError) {
        self.init(url: try RedisURL(parsing: url), options: options)
    }

    deinit {
        for thread in threads { thread.stop() }
    }

    /// Stops the connection threads; queued and later calls fail with a `.usage` error.
    public func shutdown() {
        for thread in threads { thread.stop() }
    }

    /// Sends one command; an error reply is thrown as a `.server` ``RedisError`` with Redis' message.
    @discardableResult
    public func command(_ arguments: [[UInt8]], retry: RetryPolicy = .readOnly) async throws -> RedisReply {
        try requireCommandNames([arguments])
        var pipeline = RedisPipeline()
        pipeline.append(arguments)
        let reply = try await self.pipeline(pipeline, retry: retry)[0]
        if case .error(let message) = reply {
            throw RedisError(kind: .server, command: pipeline.commandName(at: 0), address: url.address, message: message)
        }
        return reply
    }

    @discardableResult
    public func command(_ arguments: String..., retry: RetryPolicy = .readOnly) async throws -> RedisReply {
        try await command(arguments.map { Array($0.utf8) }, retry: retry)
    }

    /// Checks the server answers `PONG`.
    public func ping() async throws {
        let reply = try await command("PING")
        guard reply == .status("PONG") else {
            throw RedisError(kind: .protocol, command: "PING", address: url.address, message: "expected PONG, got \(reply)")
        }
    }

    /// Sends the commands in one round trip; one reply per command, error replies in their slot.
    public func pipeline(_ commands: [[[UInt8]]], retry: RetryPolicy = .readOnly) async throws -> [RedisReply] {
        try requireCommandNames(commands)
        var pipeline = RedisPipeline()
        for command in commands { pipeline.append(command) }
        return try await self.pipeline(pipeline, retry: retry)
    }

    /// Sends an encoded pipeline in one round trip; one reply per command, error replies in their slot.
    public func pipeline(_ pipeline: RedisPipeline, retry: RetryPolicy = .readOnly) async throws -> [RedisReply] {
        try await submit(pipeline, retry: retry) { replies in
            (0..<replies.count).map { replies[$0].reply }
        }
    }

    /// Queues `pipeline` on the least busy connection thread and decodes its replies there with
    /// `decode` (replies are borrowed from hiredis, so they are read before they are freed).
    /// A connection loss resends the pipeline once on a fresh connection if `policy` allows it.
    func submit<T: Sendable>(
        _ pipeline: RedisPipeline, retry policy: RetryPolicy,
        decode: @escaping @Sendable (RedisReplies) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit(pipeline, retry: policy, decode: decode) { continuation.resume(with: $0) }
        }
    }

    /// The same, calling `completion` on the connection thread instead of resuming a task.
    func submit<T: Sendable>(
        _ pipeline: RedisPipeline, retry policy: RetryPolicy,
        decode: @escaping @Sendable (RedisReplies) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let mayRetry = policy.allows(pipeline)
        leastBusyThread().enqueue(RedisRequest(pipeline: pipeline, mayRetry: mayRetry) { result in
            switch result {
            case .success(let replies): completion(Result { try decode(replies) })
            case .failure(let error): completion(.failure(error))
            }
        })
    }

    private func requireCommandNames(_ commands: [[[UInt8]]]) throws(RedisError) {
        if let index = commands.firstIndex(where: \.isEmpty) {
            throw RedisError(kind: .usage, command: "PIPELINE", address: url.address,
                             message: "command \(index) has no arguments; give the command name first")
        }
    }

    /// hiredis writes with write(2): a write to a connection the server closed would raise SIGPIPE
    /// and kill the process, so the signal is ignored (process-wide, as NIO servers do) and the
    /// failed write surfaces as a `.connection` error instead.
    private static func ignoreSIGPIPE() {
        _ = sigpipeIgnored
    }

    private static let sigpipeIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    private func leastBusyThread() -> RedisConnectionThread {
        var best = threads[0]
        var bestLoad = best.load.load(ordering: .relaxed)
        for thread in threads.dropFirst() where bestLoad > 0 {
            let load = thread.load.load(ordering: .relaxed)
            if load < bestLoad {
                best = thread
                bestLoad = load
            }
        }
        return best
    }
}
