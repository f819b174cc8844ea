public import NIOCore
public import NIOPosix
import Synchronization

/// One Redis connection served by one NIO event loop without blocking it: pipelines are written to a
/// non-blocking channel and replies parsed by hiredis' reader as bytes arrive, on the loop, and the
/// caller's completion runs there too — no thread hop on the lookup path.
///
/// It follows ``RedisClient``'s rules: a pipeline lost with its connection is resent once on a fresh
/// connection when it may be (`mayRetry`); a pipeline without its replies after the command timeout fails
/// with `.timeout` and drops the connection (its state is unknown); while the server is unreachable,
/// reconnects back off exponentially and calls fail at once with a `.connection` error naming the last
/// failure. Pipelines submitted in one loop tick leave in one write. Use only on `eventLoop`.
final class RedisLoopConnection {
    typealias Completion = (Result<RedisReplies, RedisError>) -> Void

    private struct Pending {
        let pipeline: RedisPipeline
        let mayRetry: Bool
        let deadline: NIODeadline?
        let complete: Completion
    }

    let eventLoop: any EventLoop
    let url: RedisURL
    let options: RedisClient.Options
    private var channel: (any Channel)?
    private var connecting = false
    /// Waiting for the connection to open (and log in).
    private var queued: [Pending] = []
    /// Written, waiting for replies, in order.
    private var inFlight = CircularBuffer<Pending>()
    private var replies: [UnsafeMutableRawPointer?] = []
    private var flushScheduled = false
    private var timeoutCheck: RepeatedTask?
    private var backoff: ReconnectBackoff
    private let reader = RedisReplyReader()

    init(eventLoop: any EventLoop, url: RedisURL, options: RedisClient.Options) {
        self.eventLoop = eventLoop
        self.url = url
        self.options = options
        backoff = ReconnectBackoff(options: options)
    }

    /// Sends `pipeline`; `complete` runs on the loop with the replies (borrowed: decode them during the
    /// call) or the error that prevented them.
    func submit(_ pipeline: RedisPipeline, mayRetry: Bool, complete: @escaping Completion) {
        eventLoop.preconditionInEventLoop()
        let deadline = options.commandTimeout.map { NIODeadline.now() + .nanoseconds($0.nanoseconds) }
        submit(Pending(pipeline: pipeline, mayRetry: mayRetry, deadline: deadline, complete: complete))
    }

    private func submit(_ pending: Pending) {
        if connecting {
            queued.append(pending)
        } else if let channel {
            write(pending, to: channel)
        } else {
            do throws(RedisError) {
                try backoff.check(address: url.address)
            } catch {
                return pending.complete(.failure(error))
            }
            queued.append(pending)
            connect()
        }
    }

    private func write(_ pending: Pending, to channel: any Channel) {
        inFlight.append(pending)
        var buffer = channel.allocator.buffer(capacity: pending.pipeline.byteCount)
        buffer.writeBytes(pending.pipeline.buffer)
        channel.write(buffer, promise: nil)
        guard !flushScheduled else { return }
        flushScheduled = true
        let connection = NIOLoopBound(self, eventLoop: eventLoop)
        eventLoop.execute {
            connection.value.flushScheduled = false
            connection.value.channel?.flush()
        }
    }

    // MARK: Connecting

    private func connect() {
        connecting = true
        let connection = NIOLoopBound(self, eventLoop: eventLoop)
        let loop = eventLoop
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(options.connectTimeout.nanoseconds))
            .channelInitializer { channel in
                loop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisReplyHandler(connection: connection.value))
                }
            }
        let connected: EventLoopFuture<any Channel> = switch url.endpoint {
        case .tcp(let host, let port): bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1).connect(host: host, port: port)
        case .unix(let path): bootstrap.connect(unixDomainSocketPath: path)
        }
        connected.whenComplete { result in
            switch result {
            case .success(let channel): connection.value.opened(channel)
            case .failure(let error): connection.value.connectFailed(RedisError(kind: .connection, command: "CONNECT", address: connection.value.url.address, message: "\(error)"))
            }
        }
    }

    private func opened(_ channel: any Channel) {
        self.channel = channel
        if timeoutCheck == nil, options.commandTimeout != nil {
            let connection = NIOLoopBound(self, eventLoop: eventLoop)
            timeoutCheck = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(50), delay: .milliseconds(50)) { _ in
                connection.value.expireTimedOut()
            }
        }
        var login = RedisPipeline()
        for command in url.loginCommands { login.append(command) }
        guard !login.isEmpty else { return ready() }
        let deadline = NIODeadline.now() + .nanoseconds(options.connectTimeout.nanoseconds)
        write(Pending(pipeline: login, mayRetry: false, deadline: deadline) { [self] result in
            switch result {
            case .success(let replies):
                for index in 0..<replies.count where replies[index].isError {
                    let name = login.commandName(at: index)
                    return connectFailed(RedisError(kind: .server, command: name, address: url.address, message: replies[index].text))
                }
                ready()
            case .failure(let error): connectFailed(error)
            }
        }, to: channel)
    }

    private func ready() {
        connecting = false
        backoff.succeeded()
        let waiting = queued
        queued.removeAll()
        for pending in waiting { submit(pending) }
    }

    private func connectFailed(_ error: RedisError) {
        connecting = false
        channel?.close(promise: nil)
        channel = nil
        backoff.failed(error)
        let waiting = queued
        queued.removeAll()
        for pending in waiting { pending.complete(.failure(error)) }
    }

    // MARK: Replies and failures

    fileprivate func received(_ buffer: ByteBuffer) {
        var problem = buffer.withUnsafeReadableBytes { reader.feed($0) }
        while problem == nil {
            let raw: UnsafeMutableRawPointer
            switch reader.next() {
            case .reply(let reply): raw = reply
            case .needMore: return
            case .failed(let message):
                problem = message
                continue
            }
            guard let first = inFlight.first else {
                return lost(RedisError(kind: .protocol, command: "PIPELINE", address: url.address, message: "a reply arrived for no command"), retry: false)
            }
            replies.append(raw)
            guard replies.count == first.pipeline.count else { continue }
            inFlight.removeFirst()
            replies.withUnsafeBufferPointer { first.complete(.success(RedisReplies(raw: $0))) }
            replies.removeAll(keepingCapacity: true)
            // Safe: the reader holds no partial reply between two complete ones.
            reader.releaseReplies()
        }
        lost(RedisError(kind: .protocol, command: "PIPELINE", address: url.address, message: "unreadable reply stream: \(problem ?? "")"), retry: false)
    }

    /// The connection closed or failed: pipelines that may be resent go once more on a fresh connection.
    fileprivate func lost(_ error: RedisError, retry: Bool) {
        guard let channel else { return }
        self.channel = nil
        channel.close(promise: nil)
        reader.restart()
        replies.removeAll(keepingCapacity: true)
        let unanswered = Array(inFlight)
        inFlight.removeAll()
        for pending in unanswered {
            if retry, pending.mayRetry {
                submit(Pending(pipeline: pending.pipeline, mayRetry: false, deadline: pending.deadline, complete: pending.complete))
            } else {
                pending.complete(.failure(error))
            }
        }
    }

    private func expireTimedOut() {
        guard let first = inFlight.first, let deadline = first.deadline, deadline < .now() else { return }
        let name = first.pipeline.isEmpty ? "PIPELINE" : first.pipeline.commandName(at: 0)
        lost(RedisError(kind: .timeout, command: name, address: url.address,
                        message: "no reply within the command timeout of \(options.commandTimeout.map { "\($0)" } ?? "none")"), retry: false)
    }

    /// Closes the connection; calls still waiting fail with a `.usage` error.
    func close() {
        timeoutCheck?.cancel()
        timeoutCheck = nil
        lost(RedisError(kind: .usage, command: "PIPELINE", address: url.address, message: "the client was shut down"), retry: false)
    }
}

/// One ``RedisLoopConnection`` per event loop of a group, each created on first use and used only from
/// its own loop: what a NIO channel handler on any of the group's loops sends its Redis reads through.
///
/// ```swift
/// let redis = RedisLoopConnections(url: client.url, options: client.options)
/// prepared.send(over: redis, on: context.eventLoop) { outcome in ... }   // runs on that loop
/// ```
public final class RedisLoopConnections: Sendable {
    public let url: RedisURL
    public let options: RedisClient.Options
    private let connections: [ObjectIdentifier: NIOLoopBoundBox<RedisLoopConnection?>]
    private let sent = Atomic<Int>(0)

    /// Pipelines sent through the loops' connections so far.
    public var pipelinesSent: Int { sent.load(ordering: .relaxed) }

    public init(url: RedisURL, options: RedisClient.Options, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.url = url
        self.options = options
        var connections: [ObjectIdentifier: NIOLoopBoundBox<RedisLoopConnection?>] = [:]
        for loop in group.makeIterator() {
            connections[ObjectIdentifier(loop)] = .makeEmptyBox(valueType: RedisLoopConnection.self, eventLoop: loop)
        }
        self.connections = connections
    }

    /// The connection of `loop` (call on `loop`), or `nil` when the loop is not of the group.
    func connection(on loop: any EventLoop) -> RedisLoopConnection? {
        guard let box = connections[ObjectIdentifier(loop)] else { return nil }
        if let connection = box.value { return connection }
        let connection = RedisLoopConnection(eventLoop: loop, url: url, options: options)
        box.value = connection
        return connection
    }

    /// Sends an encoded pipeline through `loop`'s connection (callable from any thread); the future
    /// completes on `loop` with one reply per command, error replies in their slot.
    ///
    /// ```swift
    /// let replies = try await redis.pipeline(p, on: group.next()).get()
    /// ```
    public func pipeline(_ pipeline: RedisPipeline, retry: RedisClient.RetryPolicy = .readOnly, on loop: any EventLoop) -> EventLoopFuture<[RedisReply]> {
        loop.flatSubmit { [self] in
            let promise = loop.makePromise(of: [RedisReply].self)
            let sent = submit(pipeline, mayRetry: retry.allows(pipeline), on: loop) { result in
                switch result {
                case .success(let replies): promise.succeed((0..<replies.count).map { replies[$0].reply })
                case .failure(let error): promise.fail(error)
                }
            }
            if !sent {
                promise.fail(RedisError(kind: .usage, command: "PIPELINE", address: url.address, message: "the event loop is not one of this group's"))
            }
            return promise.futureResult
        }
    }

    /// Sends `pipeline` through `loop`'s connection (call on `loop`) and calls `complete` there with how
    /// many replies came back (error replies included), or the error that prevented them: the round trip
    /// without materializing the replies, as cheap as a lookup's own. `false` when the loop is not of the
    /// group (`complete` is then not called).
    ///
    /// ```swift
    /// _ = redis.send(pipeline, on: context.eventLoop) { result in ... }   // runs on that loop
    /// ```
    public func send(_ pipeline: RedisPipeline, retry: RedisClient.RetryPolicy = .readOnly, on loop: any EventLoop,
                     _ complete: @escaping (Result<Int, RedisError>) -> Void) -> Bool {
        submit(pipeline, mayRetry: retry.allows(pipeline), on: loop) { complete($0.map(\.count)) }
    }

    /// Closes every loop's connection; calls waiting for replies fail with a `.usage` error.
    public func close() {
        for box in connections.values {
            box.eventLoop.execute { box.value?.close() }
        }
    }

    /// Sends `pipeline` from `loop` and calls `complete` there; `false` when the loop is not of the group.
    func submit(_ pipeline: RedisPipeline, mayRetry: Bool, on loop: any EventLoop, complete: @escaping RedisLoopConnection.Completion) -> Bool {
        guard let connection = connection(on: loop) else { return false }
        sent.add(1, ordering: .relaxed)
        connection.submit(pipeline, mayRetry: mayRetry, complete: complete)
        return true
    }
}

/// Hands a Redis channel's bytes and its end to its ``RedisLoopConnection``.
private final class RedisReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let connection: RedisLoopConnection

    init(connection: RedisLoopConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.received(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.lost(RedisError(kind: .connection, command: "PIPELINE", address: connection.url.address, message: "the server closed the connection"), retry: true)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.lost(RedisError(kind: .connection, command: "PIPELINE", address: connection.url.address, message: "\(error)"), retry: true)
        context.close(promise: nil)
    }
}
