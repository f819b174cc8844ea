import Dispatch
import Hummingbird
import LarderOnline
import NIOCore
import NIOHTTPTypes

/// Answers `POST /get-online-features` inside Hummingbird's HTTP/1.1 channel pipeline, on the event loop
/// that read the request; every other request passes through to the router untouched.
///
/// Why it exists: the lookup is the hot path, and a route costs it Hummingbird's per-request async
/// machinery (a task per connection, async streams for the request and the response) — measured at
/// about two thirds of the server's CPU per 1-row lookup (BENCHMARKS.md). Here the request is read,
/// checked and encoded synchronously on the loop, the Redis round trip completes back onto the same
/// loop, and the response is written straight to the channel. Validation, answers, errors and metrics
/// are the route's own (``FeatureServer/preparedLookup(_:)``, ``FeatureServer/answered(_:)``), and
/// tests compare both paths byte for byte.
///
/// Requests on one connection are answered in order: while a lookup is in flight, or while the
/// router still owes responses, later request parts wait here (and the channel stops reading).
final class OnlineFeaturesChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let path = "/get-online-features"

    private enum State {
        case idle
        /// Passing a routed request's parts on to the router.
        case forwarding
        /// Reading a lookup's body; `nil` once it went over `--max-body` (the rest is discarded). Bytes,
        /// not a buffer: the JSON reader takes bytes, and collecting them here saves a copy.
        case reading(head: HTTPRequest, body: [UInt8]?, started: UInt64)
        /// Reading the body of a lookup refused from its head (401, 403, 415): answered at its end.
        case refusing(head: HTTPRequest, error: APIError, started: UInt64)
        /// Dropping the rest of a lookup answered from its head (413 from `Content-Length`).
        case discarding
        /// The lookup is at Redis.
        case answering
    }

    private let server: FeatureServer
    private let redis: RedisLoopConnections
    private var state = State.idle
    /// Responses the router still owes: a routed request's lookup must wait for them.
    private var routedResponsesOwed = 0
    private var waiting = CircularBuffer<HTTPRequestPart>()
    private var readHeld = false
    private var quiesceHeld = false
    private var context: ChannelHandlerContext?
    /// The last lookup's feature list on this connection, reused while the client repeats it.
    private var featureList: OnlineFeaturesRequest.FeatureList?

    init(server: FeatureServer, redis: RedisLoopConnections) {
        self.server = server
        self.redis = redis
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if waiting.isEmpty, admit(part) {
            handle(part, context: context)
        } else {
            waiting.append(part)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Graceful shutdown closes idle connections; one with a lookup in flight closes after its answer.
        if event is ChannelShouldQuiesceEvent, isAnswering {
            quiesceHeld = true
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private var isAnswering: Bool {
        switch state {
        case .reading, .refusing, .answering: true
        case .idle, .forwarding, .discarding: false
        }
    }

    func read(context: ChannelHandlerContext) {
        // Hold reads while parts wait, so a pipelining client cannot queue without bound.
        if waiting.isEmpty { context.read() } else { readHeld = true }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), routedResponsesOwed > 0 {
            routedResponsesOwed -= 1
            context.write(data, promise: promise)
            if routedResponsesOwed == 0 { releaseWaiting(context: context) }
        } else {
            context.write(data, promise: promise)
        }
    }

    /// Whether `part` may be handled now rather than wait behind an earlier request.
    private func admit(_ part: HTTPRequestPart) -> Bool {
        switch state {
        case .answering: return false
        case .idle:
            if case .head(let head) = part, Self.isLookup(head) { return routedResponsesOwed == 0 }
            return true
        case .forwarding, .reading, .refusing, .discarding: return true
        }
    }

    private func handle(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let head)):
            if Self.isLookup(head) {
                let started = DispatchTime.now().uptimeNanoseconds
                // Token, scope, content type and declared length, before any of the body is read.
                do throws(APIError) {
                    try server.checkLookupHead(head.headerFields)
                    state = .reading(head: head, body: [], started: started)
                } catch let error where error.status == .contentTooLarge {
                    respond(.failure(error), head: head, started: started, then: .discarding)
                } catch {
                    state = .refusing(head: head, error: error, started: started)
                }
            } else {
                routedResponsesOwed += 1
                state = .forwarding
                context.fireChannelRead(wrapInboundOut(part))
            }
        case (.forwarding, .end):
            state = .idle
            context.fireChannelRead(wrapInboundOut(part))
        case (.forwarding, _), (.idle, _):
            context.fireChannelRead(wrapInboundOut(part))
        case (.reading(let head, var body, let started), .body(let bytes)):
            state = .answering  // no copy-on-write of `body` while it is appended to
            if body != nil, body!.count + bytes.readableBytes <= server.state.configuration.maxBody {
                body!.append(contentsOf: bytes.readableBytesView)
            } else {
                body = nil
            }
            state = .reading(head: head, body: body, started: started)
        case (.reading(let head, let body, let started), .end):
            state = .answering
            answer(head: head, body: body, started: started, context: context)
        case (.refusing, .body), (.discarding, .body):
            break
        case (.refusing(let head, let error, let started), .end):
            state = .answering
            respond(.failure(error), head: head, started: started)
        case (.discarding, .end):
            state = .idle
        case (.reading, .head), (.refusing, .head), (.discarding, .head), (.answering, _):
            preconditionFailure("OnlineFeaturesChannelHandler: request part out of order")
        }
    }

    private func answer(head: HTTPRequest, body: [UInt8]?, started: UInt64, context: ChannelHandlerContext) {
        let server = self.server
        let prepared: OnlineLookup.Prepared
        do throws(APIError) {
            guard let body else { throw APIError.tooLarge(limit: server.state.configuration.maxBody) }
            prepared = try server.preparedLookup(body, features: &featureList)
        } catch {
            return respond(.failure(error), head: head, started: started)
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        // Redis is read through this loop's own connection: the completion runs on this loop.
        prepared.send(over: redis, on: context.eventLoop) { outcome in
            handler.value.respond(Result { () throws(APIError) in OnlineFeaturesResponse.json(try server.answered(outcome)) }, head: head, started: started)
        }
    }

    /// Writes the answer to a lookup; `then` is the state after it (`.discarding` when the answer came
    /// before the request's body).
    private func respond(_ answer: Result<[UInt8], APIError>, head: HTTPRequest, started: UInt64, then next: State = .idle) {
        let status: HTTPResponse.Status
        let bytes: [UInt8]
        var fields: HTTPFields = [.contentType: "application/json"]
        switch answer {
        case .success(let json): (status, bytes) = (.ok, json)
        case .failure(let error):
            (status, bytes) = (error.status, error.json)
            fields.append(contentsOf: error.headers)
        }
        server.state.metrics.observeRequest(route: Self.path, status: status.code,
                                            seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        server.state.metrics.countEventLoopLookup()
        state = next
        guard let context else { return }  // the connection closed meanwhile
        fields[.contentLength] = String(bytes.count)
        fields[.server] = FeatureServer.serverName
        let response = HTTPResponse(status: status, headerFields: fields)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        if head.headerFields.contains(where: { $0.name == .connection && $0.value.lowercased() == "close" }) {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        if quiesceHeld {
            quiesceHeld = false
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        releaseWaiting(context: context)
    }

    /// Hands waiting parts on, in order, until one must wait again.
    private func releaseWaiting(context: ChannelHandlerContext) {
        guard !waiting.isEmpty else { return }
        while let part = waiting.first, admit(part) {
            waiting.removeFirst()
            handle(part, context: context)
        }
        // NIOAsyncChannel hands reads to the router at read-complete: without one, released parts would sit.
        context.fireChannelReadComplete()
        if waiting.isEmpty, readHeld {
            readHeld = false
            context.read()
        }
    }

    /// A lookup this handler answers: `POST /get-online-features` without `Expect: 100-continue` (which
    /// the router's body stream answers).
    static func isLookup(_ head: HTTPRequest) -> Bool {
        guard head.method == .post, let path = head.path, path.hasPrefix(Self.path) else { return false }
        guard path.utf8.count == Self.path.utf8.count || path.utf8[path.utf8.index(path.utf8.startIndex, offsetBy: Self.path.utf8.count)] == UInt8(ascii: "?") else {
            return false
        }
        return !head.headerFields.contains { $0.name == .expect }
    }
}
