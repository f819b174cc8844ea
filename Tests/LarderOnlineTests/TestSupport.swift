import Larder
import LarderOnline
import LarderTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func makeClient(connections: Int = 2, commandTimeout: Duration? = .seconds(5)) throws -> RedisClient {
    RedisClient(url: try PrivateRedis.url(), options: .init(connections: connections, commandTimeout: commandTimeout))
}

/// A key prefix (and project name) no other test uses, so tests can run in parallel on one server.
func uniqueName(_ base: String) -> String {
    var generator = SystemRandomNumberGenerator()
    return "\(base)-\(String(generator.next() as UInt64, radix: 36))"
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The `RedisError` that `body` throws; records an issue, and returns nil, when it throws nothing (`expectation`
/// says what should have failed) or another error.
func expectRedisError(_ expectation: String, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> Void) async -> RedisError? {
    do {
        try await body()
        Issue.record("\(expectation)", sourceLocation: sourceLocation)
    } catch let error as RedisError {
        return error
    } catch {
        Issue.record("expected a RedisError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The reconnect backoff seen from a client of a closed `port` (both kinds of connection follow it): the first
/// call fails to connect, the second fails at once during the backoff and says when the next attempt is.
func expectUnreachableThenBackoff(port: Int, sourceLocation: SourceLocation = #_sourceLocation,
                                  _ call: () async throws -> Void) async {
    let first = await expectRedisError("nothing listens on port \(port)", sourceLocation: sourceLocation, call)
    #expect(first?.kind == .connection, sourceLocation: sourceLocation)
    #expect(first?.command == "CONNECT", sourceLocation: sourceLocation)
    #expect(first?.address == "127.0.0.1:\(port)", sourceLocation: sourceLocation)
    let second = await expectRedisError("the second attempt must fail during the backoff", sourceLocation: sourceLocation, call)
    #expect(second?.kind == .connection, sourceLocation: sourceLocation)
    #expect(second?.message.contains("next attempt in") == true, sourceLocation: sourceLocation)
    #expect(second?.message.contains("1 attempt(s)") == true, sourceLocation: sourceLocation)
}

/// Equality that treats NaN as equal to NaN with the same bits (stored values are bit-exact).
func bitwiseEqual(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.float32(let x), .float32(let y)): x.bitPattern == y.bitPattern
    case (.float64(let x), .float64(let y)): x.bitPattern == y.bitPattern
    default: a == b
    }
}

/// Runs blocking work (a `RedisConnection`) on a thread of its own, so tests never block Swift's
/// cooperative pool, the same rule the client follows.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let work = Work { continuation.resume(with: Result { try body() }) }
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, Unmanaged.passRetained(work).toOpaque())
        precondition(status == 0, "pthread_create failed: \(status)")
        pthread_detach(thread)
    }
}

private final class Work: Sendable {
    // The continuation-resuming closure handed to the new thread.
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
