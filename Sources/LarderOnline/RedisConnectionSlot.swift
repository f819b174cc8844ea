/// The connection one ``RedisConnectionThread`` serves: opened lazily, replaced after a failure,
/// and reopened with exponential backoff while the server is unreachable.
///
/// Backoff rule: the first reconnect after a loss is immediate. Each failed attempt doubles the
/// wait before the next one (from `initialBackoff` up to `maximumBackoff`, with jitter in
/// [wait/2, wait]); during the wait, commands fail at once with a `.connection` error naming the
/// last failure, instead of queueing behind a dead server. A successful connect resets the wait.
final class RedisConnectionSlot {
    let url: RedisURL
    let options: RedisClient.Options
    private var connection: RedisConnection?
    private var failures = 0
    private var nextAttempt: UInt64 = 0
    private var lastFailure: RedisError?
    private var random = SystemRandomNumberGenerator()
    init(url: RedisURL, options: RedisClient.Options) {
        self.url = url
        self.options = options
    }

    /// The open connection, connecting first if there is none or the last one broke.
    func connected() throws(RedisError) -> RedisConnection {
        if let connection, !connection.isBroken { return connection }
        connection = nil
        let now = monotonicNanoseconds()
        if failures > 0, now < nextAttempt, let lastFailure {
            let waitMs = (nextAttempt - now) / 1_000_000
            throw RedisError(kind: .connection, command: "CONNECT", address: url.address,
                             message: "server unreachable after \(failures) attempt(s), next attempt in \(waitMs) ms; last error: \(lastFailure.message)")
        }
        do {
            let fresh = try RedisConnection(url: url, connectTimeout: options.connectTimeout, commandTimeout: options.commandTimeout)
            connection = fresh
            failures = 0
            lastFailure = nil
            return fresh
        } catch {
            failures += 1
            lastFailure = error
            let wait = backoff(afterFailures: failures)
            nextAttempt = monotonicNanoseconds() + wait
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

    private func backoff(afterFailures failures: Int) -> UInt64 {
        let initial = UInt64(max(0, options.initialBackoff.nanoseconds))
        let maximum = UInt64(max(0, options.maximumBackoff.nanoseconds))
        let doubled = initial << UInt64(min(failures - 1, 30))
        let wait = min(doubled, maximum)
        guard wait > 1 else { return wait }
        return UInt64.random(in: (wait / 2)...wait, using: &random)
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
