// The HTTP ceilings the 1-row lookup figure is read against (scripts/bench-serve.sh runs them in the same
// run as the lookups): what a server that does no lookup at all answers per second on this machine, as a
// bare SwiftNIO HTTP/1.1 handler and as a bare Hummingbird 2 route. Both read the whole request body and
// answer it back, as a lookup must read its body; nothing else happens. The third, `nio-redis`, is the
// SwiftNIO handler plus the Redis round trip a 1-row lookup of two entities makes (two pipelined HMGETs
// of redis-benchmark's 7-field hash, through the same per-loop connections as `larder serve`), answering
// only once the replies are in: the most any lookup can serve that reads Redis per request, with no JSON,
// no registry and no decoding.
//
// Usage: HTTPCeilingBenchmark nio|hummingbird PORT
//        HTTPCeilingBenchmark nio-redis PORT REDIS_URL [HASH_KEY]
import Dispatch
import Hummingbird
import LarderOnline
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Echoes each request's body (or a constant for a bodiless GET) straight from the channel pipeline; with
/// `redis`, only once that Redis round trip has completed on the same loop.
final class EchoHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    typealias RedisRoundTrip = (connections: RedisLoopConnections, reads: RedisPipeline)
    private let redis: RedisRoundTrip?
    private var body = ByteBuffer()
    private static let constant = ByteBuffer(string: "{\"status\":\"ok\"}\n")

    init(redis: RedisRoundTrip? = nil) { self.redis = redis }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: body.clear()
        case .body(var chunk): body.writeBuffer(&chunk)
        case .end:
            let answer = body.readableBytes > 0 ? body : Self.constant
            guard let redis else { return write(answer, status: .ok, context: context) }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            _ = redis.connections.send(redis.reads, on: context.eventLoop) { result in
                let (handler, context) = bound.value
                handler.write(answer, status: (try? result.get()) == redis.reads.count ? .ok : .serviceUnavailable, context: context)
            }
        }
    }

    private func write(_ answer: ByteBuffer, status: HTTPResponseStatus, context: ChannelHandlerContext) {
        var head = HTTPResponseHead(version: .http1_1, status: status)
        head.headers.add(name: "content-type", value: "application/json")
        head.headers.add(name: "content-length", value: String(answer.readableBytes))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(answer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

func runNIO(port: Int, redis: EchoHandler.RedisRoundTrip? = nil) throws {
    let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.backlog, value: 256)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                try channel.pipeline.syncOperations.addHandler(EchoHandler(redis: redis))
            }
        }
        .bind(host: "127.0.0.1", port: port).wait()
    try channel.closeFuture.wait()
}

func runHummingbird(port: Int) -> Never {
    // As `larder serve` runs: request handlers on NIO's event loops.
    NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    let router = Router()
    router.get("/") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}\n"))) }
    router.post("/") { request, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: try await request.body.collect(upTo: 1 << 20)))
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    Task {
        do { try await app.runService() } catch { print("HTTPCeilingBenchmark: \(error)") }
        exit(0)
    }
    dispatchMain()
}

let arguments = CommandLine.arguments.dropFirst()
guard let mode = arguments.first, let port = arguments.dropFirst().first.flatMap({ Int($0) }) else {
    print("usage: HTTPCeilingBenchmark nio|hummingbird PORT")
    exit(2)
}
switch mode {
case "nio": try runNIO(port: port)
case "hummingbird": runHummingbird(port: port)
case "nio-redis":
    guard let text = arguments.dropFirst(2).first, let url = try? RedisURL(parsing: text) else {
        print("usage: HTTPCeilingBenchmark nio-redis PORT REDIS_URL [HASH_KEY]")
        exit(2)
    }
    let key = arguments.dropFirst(3).first ?? "bench:hash"
    var reads = RedisPipeline()
    for _ in 0..<2 { reads.append(["HMGET", key, "f1", "f2", "f3", "f4", "f5", "f6", "f7"]) }
    try runNIO(port: port, redis: (RedisLoopConnections(url: url, options: RedisClient.Options()), reads))
default:
    print("unknown mode \(mode): use nio, hummingbird or nio-redis")
    exit(2)
}
