import Larder
import LarderOnline
import LarderTestSupport
import NIOCore
import NIOPosix
import Testing

/// `RedisLoopConnections`: hiredis' reader over a NIO channel, one connection per event loop.
@Suite("Redis over an event loop's own connection, against the private server")
struct RedisLoopConnectionTests {
    /// A one-loop group of the test's own, and the connections over it.
    static func withLoop<T>(url: RedisURL? = nil, options: RedisClient.Options = .init(connections: 1),
                            _ body: (RedisLoopConnections, any EventLoop) async throws -> T) async throws -> T {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let redis = RedisLoopConnections(url: try url ?? PrivateRedis.url(), options: options, group: group)
        do {
            let result = try await body(redis, group.next())
            redis.close()
            try await group.shutdownGracefully()
            return result
        } catch {
            redis.close()
            try await group.shutdownGracefully()
            throw error
        }
    }

    static func pipeline(_ commands: [String]...) -> RedisPipeline {
        var pipeline = RedisPipeline()
        for command in commands { pipeline.append(command) }
        return pipeline
    }

    @Test("replies come back in order, error replies in their slot, for many pipelines sent at once")
    func pipelinesInOrder() async throws {
        let key = uniqueName("loop")
        try await Self.withLoop { redis, loop in
            let replies = try await redis.pipeline(Self.pipeline(["SET", key, "v"], ["GET", key], ["INCR", key], ["DEL", key]), retry: .never, on: loop).get()
            #expect(replies.count == 4)
            #expect(replies[0] == .status("OK"))
            #expect(replies[1] == .bytes(bytes("v")))
            guard case .error(let message) = replies[2] else { Issue.record("INCR of a string must be an error reply: \(replies[2])"); return }
            #expect(message.contains("not an integer"))
            #expect(replies[3] == .integer(1))

            // 300 pipelines submitted in one go leave in a few writes; each gets its own replies.
            let futures = (0..<300).map { i in
                redis.pipeline(Self.pipeline(["SET", "\(key):\(i)", "\(i)"], ["GET", "\(key):\(i)"], ["DEL", "\(key):\(i)"]), retry: .never, on: loop)
            }
            for (i, future) in futures.enumerated() {
                #expect(try await future.get() == [.status("OK"), .bytes(bytes("\(i)")), .integer(1)])
            }
        }
    }

    @Test("after CLIENT KILL the next call reconnects; a call in flight is resent once only when its policy allows")
    func reconnectAfterKill() async throws {
        let admin = try makeClient(connections: 1)
        let list = uniqueName("loop-list")
        try await Self.withLoop { redis, loop in
            let first = try #require(try await redis.pipeline(Self.pipeline(["CLIENT", "ID"]), on: loop).get().first?.integer)
            #expect(try await admin.command("CLIENT", "KILL", "ID", String(first)) == .integer(1))
            let second = try #require(try await redis.pipeline(Self.pipeline(["CLIENT", "ID"]), on: loop).get().first?.integer)
            #expect(second != first)

            // In flight and not retriable: the loss is reported.
            let blocked = redis.pipeline(Self.pipeline(["BLPOP", list, "5"]), retry: .never, on: loop)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await admin.command("CLIENT", "KILL", "ID", String(second)) == .integer(1))
            let lost = await expectRedisError("a call lost with its connection must fail under .never") { _ = try await blocked.get() }
            #expect(lost?.kind == .connection)

            // In flight and retriable: resent on a fresh connection, where it is answered.
            let third = try #require(try await redis.pipeline(Self.pipeline(["CLIENT", "ID"]), on: loop).get().first?.integer)
            let resent = redis.pipeline(Self.pipeline(["BLPOP", list, "5"]), retry: .idempotent, on: loop)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await admin.command("CLIENT", "KILL", "ID", String(third)) == .integer(1))
            try await Task.sleep(for: .milliseconds(200))
            _ = try await admin.command("RPUSH", list, "item")
            #expect(try await resent.get() == [.array([.bytes(bytes(list)), .bytes(bytes("item"))])])
        }
    }

    @Test("a reply later than the command timeout fails with .timeout and the connection is replaced")
    func commandTimeout() async throws {
        let list = uniqueName("loop-empty")
        try await Self.withLoop(options: .init(connections: 1, commandTimeout: .milliseconds(150))) { redis, loop in
            let timedOut = await expectRedisError("BLPOP must time out") {
                _ = try await redis.pipeline(Self.pipeline(["BLPOP", list, "3"]), retry: .never, on: loop).get()
            }
            #expect(timedOut?.kind == .timeout)
            #expect(timedOut?.command == "BLPOP")
            let pong = try await redis.pipeline(Self.pipeline(["PING"]), on: loop).get()
            #expect(pong == [.status("PONG")])
        }
    }

    @Test("an unreachable server fails at once, then within the backoff without reconnecting")
    func unreachableWithBackoff() async throws {
        let port = try #require(closedLoopbackPort())
        let options = RedisClient.Options(connections: 1, initialBackoff: .seconds(600), maximumBackoff: .seconds(1200))
        try await Self.withLoop(url: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port)), options: options) { redis, loop in
            await expectUnreachableThenBackoff(port: port) { _ = try await redis.pipeline(Self.pipeline(["PING"]), on: loop).get() }
        }
    }

    @Test("SELECT from the URL applies, and a refused SELECT fails the call with Redis' message")
    func selectFromTheURL() async throws {
        var seven = try PrivateRedis.url(database: PrivateRedis.selectTestDatabase)
        let key = uniqueName("loop-db7")
        try await Self.withLoop(url: seven) { redis, loop in
            let replies = try await redis.pipeline(Self.pipeline(["SET", key, "in-seven"]), retry: .never, on: loop).get()
            #expect(replies == [.status("OK")])
        }
        let admin = try makeClient(connections: 1)
        #expect(try await admin.command("EXISTS", key) == .integer(0))
        seven.database = 100_000
        try await Self.withLoop(url: seven) { redis, loop in
            let refused = await expectRedisError("an out-of-range database must be refused") {
                _ = try await redis.pipeline(Self.pipeline(["PING"]), on: loop).get()
            }
            #expect(refused?.kind == .server)
            #expect(refused?.command == "SELECT")
            #expect(refused?.message.contains("out of range") == true)
        }
        let sevenAgain = RedisClient(url: try PrivateRedis.url(database: PrivateRedis.selectTestDatabase), options: .init(connections: 1))
        #expect(try await sevenAgain.command("DEL", key) == .integer(1))
    }
}
