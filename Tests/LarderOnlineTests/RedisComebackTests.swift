import Larder
import LarderOnline
import LarderTestSupport
import NIOCore
import NIOPosix
import Testing

/// Redis going away and coming back, on a server of the test's own (it is killed).
@Suite("Redis coming back")
struct RedisComebackTests {
    static func ping(_ redis: RedisLoopConnections, on loop: any EventLoop) async -> Bool {
        var pipeline = RedisPipeline()
        pipeline.append(["PING"])
        return (try? await redis.pipeline(pipeline, on: loop).get()) == [.status("PONG")]
    }

    @Test("with the default options every event loop's connection answers within 1 s of Redis answering again")
    func everyLoopReconnectsWithinASecond() async throws {
        let server = try await DisposableRedis.start()
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 3)
        let redis = RedisLoopConnections(url: server.url, options: RedisClient.Options(), group: group)
        let loops = Array(group.makeIterator())
        for loop in loops { #expect(await Self.ping(redis, on: loop)) }

        server.kill()
        // Down long enough for the backoff to reach its maximum on every loop (seven doublings of 50 ms).
        let downUntil = ContinuousClock.now + .seconds(4)
        while ContinuousClock.now < downUntil {
            for loop in loops { #expect(await Self.ping(redis, on: loop) == false) }
            try await Task.sleep(for: .milliseconds(20))
        }

        try await server.restart()  // returns once the server answers PING
        let answering = ContinuousClock.now
        var back: [Duration] = []
        for loop in loops {
            while await Self.ping(redis, on: loop) == false, ContinuousClock.now - answering < .seconds(5) {
                try await Task.sleep(for: .milliseconds(10))
            }
            back.append(ContinuousClock.now - answering)
        }
        #expect(back.allSatisfy { $0 < .seconds(1) }, "reconnected after \(back) (the default maximum backoff is 500 ms)")
        redis.close()
        try await group.shutdownGracefully()
    }

    @Test("error replies that pass by themselves are told apart from wrong commands")
    func transientReplies() {
        for message in ["LOADING Redis is loading the dataset in memory", "MASTERDOWN Link with MASTER is down",
                        "BUSY Redis is busy running a script.", "OOM command not allowed when used memory > 'maxmemory'.",
                        "READONLY You can't write against a read only replica.", "TRYAGAIN Multiple keys request during rehashing"] {
            #expect(RedisError.isTransientReply(message), "\(message)")
            #expect(RedisError(kind: .server, command: "HMGET", address: "a", message: message).isTransient)
        }
        for message in ["WRONGTYPE Operation against a key holding the wrong kind of value", "BUSYKEY Target key name already exists.",
                        "ERR unknown command", "NOSCRIPT No matching script", "LOADINGX"] {
            #expect(!RedisError.isTransientReply(message), "\(message)")
        }
        #expect(RedisError(kind: .connection, command: "HMGET", address: "a", message: "reset").isTransient)
        #expect(!RedisError(kind: .usage, command: "HMGET", address: "a", message: "shut down").isTransient)
    }

    @Test("a password never shows in a URL's description, reflection or parse error")
    func passwordMasked() throws {
        let url = try RedisURL(parsing: "redis://app:s3cret-pw@127.0.0.1:6390/2")
        for text in [url.description, String(reflecting: url), "\(url)"] {
            #expect(!text.contains("s3cret-pw"), "\(text)")
        }
        var dumped = ""
        dump(url, to: &dumped)
        #expect(!dumped.contains("s3cret-pw"), "\(dumped)")
        let unix = try RedisURL(parsing: "unix:///run/redis.sock?db=1&password=s3cret-pw")
        #expect(!unix.description.contains("s3cret-pw"))
        for bad in ["redis://app:s3cret-pw@127.0.0.1:99999/0", "unix://run/redis.sock?password=s3cret-pw&db=1"] {
            #expect {
                _ = try RedisURL(parsing: bad)
            } throws: { error in
                "\(error)".contains("***") && !"\(error)".contains("s3cret-pw")
            }
        }
    }
}
