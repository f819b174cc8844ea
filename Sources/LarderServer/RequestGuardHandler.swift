import Hummingbird
import Larder
import NIOCore
import NIOHTTPTypes

/// The first handler after the HTTP codec on every connection, on both lookup paths:
///
/// - **Read timeout.** A request's body must arrive whole within `readTimeout` of its head. Otherwise
///   the request is answered 408 `REQUEST_TIMEOUT` (when no earlier response on the connection is still
///   owed, so answers stay in order) and the connection is closed. Hummingbird's idle timeout alone
///   would let a client keep a connection by trickling a body a byte at a time.
/// - **Closing after `Connection: close` answers.** A 413 decided from `Content-Length` is sent with
///   `Connection: close` before the body is read; once it is written, the connection stops sending,
///   discards what still arrives and closes when the client does (or after a short linger), instead of
///   reading a body it would throw away. The half close lets the client read the answer: closing at once
///   with unread bytes would reset the connection under it.
///
/// ```swift
/// HTTP1Channel.Configuration(additionalChannelHandlers: [RequestGuardHandler(readTimeout: .seconds(30), metrics: metrics)])
/// ```
final class RequestGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How long a connection that answered `Connection: close` waits for the client to close first.
    static let linger = TimeAmount.seconds(2)

    private let readTimeout: Duration
    private let metrics: ServerMetrics
    private var requestsStarted = 0
    /// Final (not 1xx) response heads written, and responses ended.
    private var responsesStarted = 0
    private var responsesEnded = 0
    private var readDeadline: Scheduled<Void>?
    /// Set once a response said `Connection: close`: nothing more is read or answered.
    private var closing = false
    private var closeAfterThisResponse = false

    init(readTimeout: Duration, metrics: ServerMetrics) {
        self.readTimeout = readTimeout
        self.metrics = metrics
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        readDeadline?.cancel()
        readDeadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head:
            requestsStarted += 1
            readDeadline?.cancel()
            readDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(readTimeout)) { [self] in
                readTimedOut(context: context)
            }
        case .end:
            readDeadline?.cancel()
            readDeadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            responsesStarted += 1
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterThisResponse = true }
            context.write(data, promise: promise)
        case .end where closeAfterThisResponse:
            responsesEnded += 1
            closing = true
            readDeadline?.cancel()
            readDeadline = nil
            context.writeAndFlush(data, promise: promise)
            closeGently(context: context)
        case .end:
            responsesEnded += 1
            context.write(data, promise: promise)
        case .head, .body:
            context.write(data, promise: promise)
        }
    }

    private func readTimedOut(context: ChannelHandlerContext) {
        readDeadline = nil
        metrics.add("larder_request_read_timeouts_total")
        closing = true
        // Only this request is unanswered, and its answer has not begun: a 408 keeps the answers in order.
        guard responsesStarted == requestsStarted - 1, responsesEnded == responsesStarted else {
            context.close(promise: nil)
            return
        }
        let (seconds, attoseconds) = readTimeout.components
        let limit = TimeSpan(microseconds: seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let error = APIError(.requestTimeout, code: "REQUEST_TIMEOUT",
                             message: "the request did not arrive whole within \(limit) of its head (--read-timeout)")
        let bytes = error.json
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        let head = HTTPResponse(status: .requestTimeout, headerFields: [
            .contentType: "application/json", .contentLength: String(bytes.count), .connection: "close", .server: FeatureServer.serverName,
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        closeGently(context: context)
    }

    /// Stops sending, then closes when the client does or after ``linger``.
    private func closeGently(context: ChannelHandlerContext) {
        let channel = context.channel
        let halfClosed = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: halfClosed)
        halfClosed.futureResult.whenFailure { _ in channel.close(promise: nil) }
        context.eventLoop.scheduleTask(in: Self.linger) { channel.close(promise: nil) }
    }
}
