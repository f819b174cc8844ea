/// The connection one ``RedisConnectionThread`` serves: opened lazily, replaced after a failure,
/// and reopened with exponential backoff while the server is unreachable.
///
/// Backoff rule (``ReconnectBackoff``): while the server is unreachable, commands fail at once with a
/// `.connection` error naming the last failure, instead of queueing behind a dead server.
final class RedisConnectionSlot {
    let url: RedisURL
    let options: RedisClient.Options
    private var connection: RedisConnection?
    private var backoff: ReconnectBackoff

    init(url: RedisURL, options: RedisClient.Options) {
        self.url = url
        self.options = options
        backoff = ReconnectBackoff(options: options)
    }

    /// The open connection, connecting first if there is none or the last one broke.
    func connected() throws(RedisError) -> RedisConnection {
        if let connection, !connection.isBroken { return connection }
        connection = nil
        try backoff.check(address: url.address)
        do {
            let fresh = try RedisConnection(url: url, connectTimeout: options.connectTimeout, commandTimeout: options.commandTimeout)
            connection = fresh
            backoff.succeeded()
            return fresh
        } catch {
            backoff.failed(error)
            throw error
        }
    }

    /// Drops the connection (after an error that left it unusable) so the next request reconnects.
    func drop() {
        connection = nil
    }

    func close() {
        connection = nil
    }
}

/// When a connection that keeps failing to open may try again, for both kinds of connection (pooled
/// threads and event loops): the first attempt after a loss is immediate; each failed attempt doubles the
/// wait before the next one (from `initialBackoff` up to `maximumBackoff`, with jitter in [wait/2, wait]);
/// during the wait ``check(address:)`` fails at once naming the last failure. Success resets it.
struct ReconnectBackoff {
    private let initial: UInt64
    private let maximum: UInt64
    private var failures = 0
    private var nextAttempt: UInt64 = 0
    private var lastFailure: RedisError?
    private var random = SystemRandomNumberGenerator()

    init(options: RedisClient.Options) {
        initial = UInt64(max(0, options.initialBackoff.nanoseconds))
        maximum = UInt64(max(0, options.maximumBackoff.nanoseconds))
    }

    /// Throws while an attempt now would come before the backoff allows it.
    func check(address: String) throws(RedisError) {
        let now = monotonicNanoseconds()
        guard failures > 0, now < nextAttempt, let lastFailure else { return }
        throw RedisError(kind: .connection, command: "CONNECT", address: address,
                         message: "server unreachable after \(failures) attempt(s), next attempt in \((nextAttempt - now) / 1_000_000) ms; last error: \(lastFailure.message)")
    }

    mutating func failed(_ error: RedisError) {
        failures += 1
        lastFailure = error
        let wait = min(initial << UInt64(min(failures - 1, 30)), maximum)
        nextAttempt = monotonicNanoseconds() + (wait > 1 ? UInt64.random(in: (wait / 2)...wait, using: &random) : wait)
    }

    mutating func succeeded() {
        failures = 0
        lastFailure = nil
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
