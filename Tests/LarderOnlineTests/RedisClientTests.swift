import Larder
import LarderOnline
import LarderTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("RedisClient against the private server")
struct RedisClientTests {
    @Test func pingAndSingleCommands() async throws {
        let client = try makeClient()
        try await client.ping()
        let key = uniqueName("cmd")
        #expect(try await client.command("SET", key, "hello") == .status("OK"))
        #expect(try await client.command("GET", key) == .bytes(bytes("hello")))
        #expect(try await client.command("GET", key + ":missing") == .null)
        #expect(try await client.command("DEL", key) == .integer(1))
    }

    @Test func pipelineRepliesComeBackInOrder() async throws {
        let client = try makeClient()
        let key = uniqueName("pipe")
        var pipeline = RedisPipeline()
        for i in 0..<500 { pipeline.append("RPUSH", key, String(i)) }
        pipeline.append("LRANGE", key, "0", "2")
        pipeline.append("LLEN", key)
        let replies = try await client.pipeline(pipeline, retry: .never)
        #expect(replies.count == 502)
        #expect(replies[0] == .integer(1))
        #expect(replies[499] == .integer(500))
        #expect(replies[500] == .array([.bytes(bytes("0")), .bytes(bytes("1")), .bytes(bytes("2"))]))
        #expect(replies[501] == .integer(500))
        _ = try await client.command("DEL", key)
    }

    @Test func concurrentRequestsOnOneConnectionGetTheirOwnReplies() async throws {
        // Requests queued behind a busy connection are coalesced into one write; each must still
        // receive exactly its own replies, in order.
        let client = try makeClient(connections: 1)
        let prefix = uniqueName("coalesce")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<64 {
                group.addTask {
                    for round in 0..<20 {
                        let key = "\(prefix):\(task)"
                        let n = task * 1000 + round
                        let commands = [["SET", key, String(n)], ["GET", key], ["STRLEN", key]].map { $0.map(bytes) }
                        let replies = try await client.pipeline(commands, retry: .never)
                        #expect(replies == [.status("OK"), .bytes(bytes(String(n))), .integer(Int64(String(n).utf8.count))])
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func binaryArgumentsRoundTripExactly() async throws {
        let client = try makeClient()
        let key = bytes(uniqueName("bin")) + [0, 13, 10, 255]
        let value: [UInt8] = [0, 1, 2, 13, 10, 0xFF, 0x80, 36, 42]
        let replies = try await client.pipeline([[bytes("SET"), key, value], [bytes("GET"), key], [bytes("DEL"), key]], retry: .never)
        #expect(replies == [.status("OK"), .bytes(value), .integer(1)])
    }

    @Test func largeAndNestedRepliesDecodeExactly() async throws {
        // Replies are built in a per-connection arena: exercise values bigger than a chunk, many
        // chunks in one request, nested and empty arrays, nils and integers.
        let client = try makeClient(connections: 1)
        let key = uniqueName("big")
        var g = SplitMix64(seed: 7)
        let big = (0..<300_000).map { _ in UInt8.random(in: 0 ... 255, using: &g) }
        let list = key + ":list"
        var pipeline = RedisPipeline()
        pipeline.append([bytes("SET"), bytes(key), big])
        pipeline.append([bytes("GET"), bytes(key)])
        pipeline.beginCommand(argumentCount: 2 + 5000)
        pipeline.appendArgument("RPUSH")
        pipeline.appendArgument(list)
        for i in 0..<5000 { pipeline.appendArgument("element-\(i)") }
        pipeline.append("LRANGE", list, "0", "-1")
        pipeline.append("EVAL", "return {1, {2, 'x', {}}, {}, false}", "0")
        pipeline.append("DEL", key, list)
        let replies = try await client.pipeline(pipeline, retry: .never)
        #expect(replies[0] == .status("OK"))
        #expect(replies[1] == .bytes(big))
        #expect(replies[2] == .integer(5000))
        let elements = try #require(replies[3].array)
        #expect(elements.count == 5000)
        #expect(elements.enumerated().allSatisfy { $0.element == .bytes(bytes("element-\($0.offset)")) })
        #expect(replies[4] == .array([.integer(1), .array([.integer(2), .bytes(bytes("x")), .array([])]), .array([]), .null]))
        #expect(replies[5] == .integer(2))
    }

    @Test func errorRepliesCarryRedisMessage() async throws {
        let client = try makeClient()
        let key = uniqueName("wrongtype")
        _ = try await client.command("HSET", key, "f", "v")
        // In a pipeline the error stays in its slot and the other replies survive.
        let replies = try await client.pipeline([[bytes("INCR"), bytes(key)], [bytes("HGET"), bytes(key), bytes("f")]], retry: .never)
        #expect(replies[0].errorMessage?.hasPrefix("WRONGTYPE") == true)
        #expect(replies[1] == .bytes(bytes("v")))
        // A single command throws it, naming the command and the server.
        do {
            _ = try await client.command("INCR", key)
            Issue.record("INCR on a hash must fail")
        } catch let error as RedisError {
            #expect(error.kind == .server)
            #expect(error.command == "INCR")
            #expect(error.message.hasPrefix("WRONGTYPE"))
            #expect(error.address == client.url.address)
            #expect(error.description.contains("WRONGTYPE"))
        }
        _ = try await client.command("DEL", key)
    }

    @Test func reconnectsAfterTheServerKillsTheConnection() async throws {
        let client = try makeClient(connections: 1)
        let admin = try makeClient(connections: 1)
        let key = uniqueName("kill")
        _ = try await client.command("SET", key, "1")
        let id = try #require(try await client.command("CLIENT", "ID").integer)
        #expect(try await admin.command("CLIENT", "KILL", "ID", String(id)) == .integer(1))
        // A read is resent once on a fresh connection: the caller does not see the loss.
        #expect(try await client.command("GET", key) == .bytes(bytes("1")))
        let newID = try #require(try await client.command("CLIENT", "ID").integer)
        #expect(newID != id)

        // A write is not resent (it might apply twice): the loss is reported, then the next call reconnects.
        #expect(try await admin.command("CLIENT", "KILL", "ID", String(newID)) == .integer(1))
        do {
            _ = try await client.command("INCR", key)
            Issue.record("a non-idempotent command must not be retried after a lost connection")
        } catch let error as RedisError {
            #expect(error.kind == .connection)
            #expect(error.command == "INCR")
        }
        #expect(try await client.command("INCR", key, retry: .never) == .integer(2))
        _ = try await client.command("DEL", key)
    }

    @Test func idempotentBatchesAreRetriedAfterALoss() async throws {
        let client = try makeClient(connections: 1)
        let admin = try makeClient(connections: 1)
        let key = uniqueName("idem")
        let id = try #require(try await client.command("CLIENT", "ID").integer)
        _ = try await admin.command("CLIENT", "KILL", "ID", String(id))
        let replies = try await client.pipeline([[bytes("SET"), bytes(key), bytes("x")]], retry: .idempotent)
        #expect(replies == [.status("OK")])
        _ = try await client.command("DEL", key)
    }

    @Test func unreachableServerFailsFastWithBackoff() async throws {
        // A port nothing listens on: bind one, note it, close it. The backoff is long because a loaded
        // machine running the suite in parallel can stall this task for many seconds between the calls.
        let port = try #require(closedLoopbackPort())
        let client = RedisClient(url: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port)),
                                 options: .init(connections: 1, initialBackoff: .seconds(600), maximumBackoff: .seconds(1200)))
        await expectUnreachableThenBackoff(port: port) { try await client.ping() }
    }

    @Test func commandTimeoutIsReportedAndTheConnectionReplaced() async throws {
        let client = try makeClient(connections: 1, commandTimeout: .milliseconds(100))
        let list = uniqueName("empty-list")
        do {
            // BLPOP blocks on the server for 2 s, longer than the 100 ms command timeout.
            _ = try await client.command(["BLPOP", list, "2"].map(bytes), retry: .never)
            Issue.record("BLPOP must time out")
        } catch let error as RedisError {
            #expect(error.kind == .timeout)
            #expect(error.command == "BLPOP")
        }
        try await client.ping()
    }

    @Test func authAndSelectFromTheURL() async throws {
        let base = try PrivateRedis.url()
        guard case .tcp(let host, let port) = base.endpoint else { return }
        let admin = try makeClient(connections: 1)
        let user = uniqueName("user")
        // An ACL user of its own, so no other test's connections are affected.
        _ = try await admin.command("ACL", "SETUSER", user, "on", ">pw-\(user)", "~*", "+@all", "resetchannels")
        let key = uniqueName("selected-db")
        let db = PrivateRedis.selectTestDatabase
        let authed = try RedisClient(url: "redis://\(user):pw-\(user)@\(host):\(port)/\(db)", options: .init(connections: 1))
        #expect(try await authed.command("ACL", "WHOAMI") == .bytes(bytes(user)))
        _ = try await authed.command("SET", key, "in-seven")
        // SELECT happened: database 0 does not see the key, the selected database does.
        #expect(try await admin.command("EXISTS", key) == .integer(0))
        let seven = try RedisClient(url: "redis://\(host):\(port)/\(db)", options: .init(connections: 1))
        #expect(try await seven.command("GET", key) == .bytes(bytes("in-seven")))
        _ = try await seven.command("DEL", key)

        let wrong = try RedisClient(url: "redis://\(user):wrong@\(host):\(port)", options: .init(connections: 1))
        do {
            try await wrong.ping()
            Issue.record("a wrong password must be refused")
        } catch let error as RedisError {
            #expect(error.kind == .server)
            #expect(error.command == "AUTH")
            #expect(error.message.contains("WRONGPASS"))
        }
        let badDB = try RedisClient(url: "redis://\(host):\(port)/100000", options: .init(connections: 1))
        do {
            try await badDB.ping()
            Issue.record("an out-of-range database must be refused")
        } catch let error as RedisError {
            #expect(error.kind == .server)
            #expect(error.command == "SELECT")
            #expect(error.message.contains("out of range"))
        }
        #expect(try await admin.command("ACL", "DELUSER", user) == .integer(1))
    }

    @Test(.enabled(if: getenv("LARDER_REDIS_SOCKET") != nil, "LARDER_REDIS_SOCKET is set by scripts/with-private-redis.sh"))
    func unixSocketConnection() async throws {
        let path = String(cString: getenv("LARDER_REDIS_SOCKET")!)
        let client = try RedisClient(url: "unix://\(path)?db=1", options: .init(connections: 1))
        try await client.ping()
        #expect(try await client.command("CLIENT", "INFO").string?.contains("db=1") == true)
    }

    @Test func blockingConnectionUsedDirectly() async throws {
        let url = try PrivateRedis.url()
        let key = bytes(uniqueName("direct"))
        let replies = try await onDedicatedThread {
            let connection = try RedisConnection(url: url)
            var replies = [try connection.send([bytes("SET"), key, bytes("")]), try connection.send([bytes("GET"), key])]
            replies += try connection.pipeline([[bytes("APPEND"), key, bytes("ab")], [bytes("STRLEN"), key], [bytes("DEL"), key]])
            replies.append(.integer(connection.isBroken ? 1 : 0))
            return replies
        }
        #expect(replies == [.status("OK"), .bytes([]), .integer(2), .integer(2), .integer(1), .integer(0)])
    }

    @Test func emptyCommandsAreRefusedBeforeSending() async throws {
        let client = try makeClient(connections: 1)
        do {
            _ = try await client.pipeline([[bytes("PING")], []])
            Issue.record("an empty command must be refused")
        } catch let error as RedisError {
            #expect(error.kind == .usage)
            #expect(error.message.contains("command 1 has no arguments"))
        }
        try await client.ping()
    }

    @Test func shutdownFailsLaterCalls() async throws {
        let client = try makeClient(connections: 1)
        try await client.ping()
        client.shutdown()
        do {
            try await client.ping()
            Issue.record("a shut down client must refuse commands")
        } catch let error as RedisError {
            #expect(error.kind == .usage)
        }
    }
}

/// A loopback port that was free a moment ago and has no listener now.
func closedLoopbackPort() -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { return nil }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { return nil }
    return Int(UInt16(bigEndian: address.sin_port))
}
