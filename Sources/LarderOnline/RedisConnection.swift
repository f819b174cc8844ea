import CHiredis


#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking connection to Redis (one hiredis context): connects, logs in (`AUTH`), selects the
/// database, and sends commands or pipelines, blocking the calling thread until the replies arrive.
///
/// Not thread-safe and blocking: use it from one dedicated thread. Async code uses ``RedisClient``,
/// which owns a few of these, each on its own thread. After a connection or timeout error the
/// connection is ``isBroken`` and must be replaced.
///
/// ```swift
/// let connection = try RedisConnection(url: try RedisURL(parsing: "redis://127.0.0.1:6380"))
/// let pong = try connection.send([Array("PING".utf8)])              // .status("PONG")
/// let replies = try connection.pipeline([[Array("INCR".utf8), Array("n".utf8)],
///                                        [Array("GET".utf8), Array("n".utf8)]])
/// ```
public final class RedisConnection {
    public let url: RedisURL
    private let context: UnsafeMutablePointer<redisContext>
    /// Where hiredis builds reply objects (see shim.h); reset after each request's replies are used.
    private let arena: UnsafeMutablePointer<larder_arena>
    /// Set once an I/O, timeout or protocol error leaves the stream in an unknown state.
    public private(set) var isBroken = false
    // Reused by `send` so a command costs no per-argument allocation.
    private var argumentBytes: [UInt8] = []
    private var argumentEnds: [Int] = []
    private var argumentPointers: [UnsafePointer<CChar>?] = []
    private var argumentLengths: [Int] = []
    private var pendingReplies: [UnsafeMutableRawPointer?] = []

    /// Connects, then sends `AUTH` and `SELECT` when the URL asks for them.
    /// - Parameters:
    ///   - connectTimeout: how long to wait for the TCP or Unix socket connection.
    ///   - commandTimeout: how long a send or a reply may take; `nil` waits forever.
    public init(url: RedisURL, connectTimeout: Duration = .seconds(2), commandTimeout: Duration? = .seconds(5)) throws(RedisError) {
        self.url = url
        let timeout = timeval(connectTimeout)
        let made: UnsafeMutablePointer<redisContext>? = switch url.endpoint {
        case .tcp(let host, let port): redisConnectWithTimeout(host, Int32(port), timeout)
        case .unix(let path): redisConnectUnixWithTimeout(path, timeout)
        }
        guard let made else {
            throw RedisError(kind: .connection, command: "CONNECT", address: url.address, message: "out of memory allocating the connection")
        }
        if made.pointee.err != 0 {
            let message = Self.errorText(made)
            let timedOut = message.contains("timed out")
            redisFree(made)
            throw RedisError(kind: timedOut ? .timeout : .connection, command: "CONNECT", address: url.address, message: message)
        }
        guard let arena = larder_arena_create() else {
            redisFree(made)
            throw RedisError(kind: .connection, command: "CONNECT", address: url.address, message: "out of memory allocating the reply arena")
        }
        context = made
        self.arena = arena
        larder_use_reply_arena(context, arena)
        if let commandTimeout {
            _ = redisSetTimeout(context, timeval(commandTimeout))
        }
        for command in url.loginCommands {
            if case .error(let message) = try send(command) {
                throw RedisError(kind: .server, command: String(decoding: command[0], as: UTF8.self), address: url.address, message: message)
            }
        }
    }

    deinit {
        redisFree(context)
        larder_arena_free(arena)
    }

    /// Sends one command (name first) and waits for its reply. An error reply is returned as
    /// ``RedisReply/error(_:)``; connection and timeout failures are thrown.
    public func send(_ arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        try checkUsable(command: arguments.first)
        argumentBytes.removeAll(keepingCapacity: true)
        argumentEnds.removeAll(keepingCapacity: true)
        for argument in arguments {
            argumentBytes.append(contentsOf: argument)
            argumentEnds.append(argumentBytes.count)
        }
        argumentPointers.removeAll(keepingCapacity: true)
        argumentLengths.removeAll(keepingCapacity: true)
        let status: Int32 = argumentBytes.withUnsafeBytes { all in
            // An empty buffer has no base address; hiredis only needs a valid pointer for empty arguments.
            let base = all.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer<CChar>(bitPattern: 1)!
            var start = 0
            for end in argumentEnds {
                argumentPointers.append(base + start)
                argumentLengths.append(end - start)
                start = end
            }
            return argumentPointers.withUnsafeMutableBufferPointer { pointers in
                redisAppendCommandArgv(context, Int32(arguments.count), pointers.baseAddress, argumentLengths)
            }
        }
        let name = arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? ""
        guard status == REDIS_OK else { throw failure(command: name) }
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure(command: name) }
        defer { larder_arena_reset(arena) }
        return RedisReplyRef(raw).reply
    }

    /// Sends all commands in one write and reads one reply per command, in order.
    public func pipeline(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        var pipeline = RedisPipeline()
        for command in commands { pipeline.append(command) }
        return try self.pipeline(pipeline)
    }

    /// Sends an encoded pipeline in one write and reads one reply per command, in order.
    public func pipeline(_ pipeline: RedisPipeline) throws(RedisError) -> [RedisReply] {
        try append(pipeline)
        var replies: [RedisReply] = []
        replies.reserveCapacity(pipeline.count)
        try readReplies(for: pipeline) { batch in
            for index in 0..<batch.count { replies.append(batch[index].reply) }
        }
        return replies
    }

    /// Queues `pipeline` in hiredis' output buffer; nothing is sent until replies are read, so
    /// several queued pipelines leave in one write.
    func append(_ pipeline: RedisPipeline) throws(RedisError) {
        guard !pipeline.isEmpty else { return }
        try checkUsable(command: nil)
        let appended = pipeline.buffer.withUnsafeBytes { bytes in
            redisAppendFormattedCommand(context, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard appended == REDIS_OK else { throw failure(command: pipeline.commandName(at: 0)) }
    }

    /// Reads the replies of an appended `pipeline` (flushing the output buffer first) and hands
    /// them to `body` without copying them into ``RedisReply`` values: the read hot path decodes
    /// straight from hiredis' reply objects, which are freed when `body` returns. All replies are
    /// read off the socket before `body` runs, so the stream stays in sync whatever `body` does.
    func readReplies(for pipeline: RedisPipeline, _ body: (RedisReplies) -> Void) throws(RedisError) {
        pendingReplies.removeAll(keepingCapacity: true)
        defer {
            pendingReplies.removeAll(keepingCapacity: true)
            larder_arena_reset(arena)
        }
        try checkUsable(command: nil)
        for index in 0..<pipeline.count {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                throw failure(command: pipeline.commandName(at: index))
            }
            pendingReplies.append(raw)
        }
        pendingReplies.withUnsafeBufferPointer { body(RedisReplies(raw: $0)) }
    }

    private func checkUsable(command: [UInt8]?) throws(RedisError) {
        guard !isBroken else {
            let name = command.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? "PIPELINE"
            throw RedisError(kind: .connection, command: name, address: url.address, message: "the connection was broken by an earlier error")
        }
    }

    /// Maps hiredis' error state after a failed call to a ``RedisError`` and marks the connection broken.
    private func failure(command: String) -> RedisError {
        let code = errno
        isBroken = true
        let message = Self.errorText(context)
        let kind: RedisError.Kind
        switch context.pointee.err {
        case REDIS_ERR_IO where code == EAGAIN || code == EWOULDBLOCK || code == ETIMEDOUT: kind = .timeout
        case REDIS_ERR_IO, REDIS_ERR_EOF: kind = .connection
        case REDIS_ERR_PROTOCOL, REDIS_ERR_OOM: kind = .protocol
        default: kind = .connection
        }
        let text = kind == .timeout ? "no reply within the command timeout (\(message))"
            : arena.pointee.exceeded != 0 ? "a reply needs more than the \(arena.pointee.limit)-byte reply limit" : message
        return RedisError(kind: kind, command: command, address: url.address, message: text)
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: &context.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? "unknown error (code \(context.pointee.err))" : String(decoding: bytes, as: UTF8.self)
        }
    }
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
