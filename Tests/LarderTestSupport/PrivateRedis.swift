public import LarderOnline

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The private Redis server of a test run: `LARDER_REDIS_URL`, set by `scripts/with-private-redis.sh`
/// and `make test`. Tests that need Redis fail, not skip, without it, and never use port 6379, where
/// someone else's server may live.
///
/// ```swift
/// let client = RedisClient(url: try PrivateRedis.url())
/// let env = ["LARDER_REDIS_URL": try PrivateRedis.text(database: 5)]   // a database of the test's own
/// ```
public enum PrivateRedis {
    /// The server's URL, with its database replaced by `database` when given.
    public static func url(database: Int? = nil) throws -> RedisURL {
        guard let raw = getenv("LARDER_REDIS_URL"), case let text = String(cString: raw), !text.isEmpty else {
            throw PrivateRedisError("LARDER_REDIS_URL is not set: run `scripts/with-private-redis.sh swift test` (never point it at a shared Redis)")
        }
        var url = try RedisURL(parsing: text)
        guard case .tcp(_, let port) = url.endpoint else {
            throw PrivateRedisError("LARDER_REDIS_URL must be a redis:// URL of the private test server, not \(url)")
        }
        guard port != 6379 else { throw PrivateRedisError("LARDER_REDIS_URL points at port 6379; tests must use a private redis-server") }
        if let database { url.database = database }
        return url
    }

    /// A database no test flushes, for tests that check SELECT with keys of their own (the crash
    /// harness flushes 6–9, which are its own).
    public static let selectTestDatabase = 12

    /// ``url(database:)`` as `redis://host:port/db` text, for the environment of a `larder` process.
    public static func text(database: Int? = nil) throws -> String {
        let url = try url(database: database)
        guard case .tcp(let host, let port) = url.endpoint else { preconditionFailure("url(database:) returns tcp URLs only") }
        let login = url.password.map { "\(url.user ?? ""):\($0)@" } ?? ""
        return "redis://\(login)\(host):\(port)/\(url.database)"
    }
}

/// The private test Redis is missing or would be someone else's.
public struct PrivateRedisError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
