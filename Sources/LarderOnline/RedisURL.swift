/// Where a Redis server is and how to log in: parsed from `redis://[[user]:password@]host[:port][/db]`
/// or `unix:///path/to/redis.sock[?db=N&password=P]`.
///
/// ```swift
/// let url = try RedisURL(parsing: "redis://:s3cret@127.0.0.1:6380/2")
/// url.endpoint   // .tcp(host: "127.0.0.1", port: 6380)
/// url.password   // "s3cret"
/// url.database   // 2
/// ```
public struct RedisURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A TCP host and port, or a Unix domain socket path.
    ///
    /// ```swift
    /// RedisURL(endpoint: .unix(path: "/run/redis.sock"), database: 1)
    /// ```
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var endpoint: Endpoint
    /// The ACL user name (Redis 6+), sent as `AUTH user password`; `nil` sends `AUTH password`.
    public var user: String?
    public var password: String?
    /// The logical database selected with `SELECT` after connecting (0 is the server's default).
    public var database: Int

    public static let defaultPort = 6379

    public init(endpoint: Endpoint, user: String? = nil, password: String? = nil, database: Int = 0) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` or `unix://` URL; percent-escapes in the user and password are decoded.
    public init(parsing text: String) throws(RedisURLError) {
        if text.hasPrefix("redis://") {
            self = try Self.parseTCP(text, rest: Substring(text.dropFirst("redis://".count)))
        } else if text.hasPrefix("unix://") {
            self = try Self.parseUnix(text, rest: Substring(text.dropFirst("unix://".count)))
        } else {
            throw RedisURLError(url: text, reason: "the scheme must be redis:// or unix://")
        }
    }

    /// The address for error messages: `host:port` or the socket path. Never includes the password.
    public var address: String {
        switch endpoint {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): path
        }
    }

    /// The URL with the password masked, safe to log.
    public var description: String {
        let login = password == nil ? (user.map { "\($0)@" } ?? "") : "\(user ?? ""):***@"
        switch endpoint {
        case .tcp: return "redis://\(login)\(address)/\(database)"
        case .unix(let path): return "unix://\(login)\(path)?db=\(database)"
        }
    }

    /// The masked form too: `String(reflecting:)`, `dump` and debuggers never show the password.
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["url": description], displayStyle: .struct) }

    private static func parseTCP(_ text: String, rest: Substring) throws(RedisURLError) -> RedisURL {
        var rest = rest
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let login = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = login.firstIndex(of: ":") {
                let u = try percentDecoded(login[..<colon], in: text)
                user = u.isEmpty ? nil : u
                password = try percentDecoded(login[login.index(after: colon)...], in: text)
            } else {
                // `redis://secret@host` is a common shorthand for a password without a user.
                password = try percentDecoded(login, in: text)
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !db.isEmpty {
                guard let n = Int(db), n >= 0 else {
                    throw RedisURLError(url: text, reason: "the database \"\(db)\" after / must be a number ≥ 0")
                }
                database = n
            }
        }
        var host = Substring("")
        var port = defaultPort
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw RedisURLError(url: text, reason: "an IPv6 host opened with [ must be closed with ]")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw RedisURLError(url: text, reason: "expected :port after the IPv6 host")
                }
                port = try parsePort(after.dropFirst(), in: text)
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            port = try parsePort(rest[rest.index(after: colon)...], in: text)
        } else {
            host = rest
        }
        guard !host.isEmpty else {
            throw RedisURLError(url: text, reason: "the host is missing; write e.g. redis://127.0.0.1:6379")
        }
        return RedisURL(endpoint: .tcp(host: String(host), port: port), user: user, password: password, database: database)
    }

    private static func parseUnix(_ text: String, rest: Substring) throws(RedisURLError) -> RedisURL {
        var path = rest
        var database = 0
        var password: String?
        var user: String?
        if let q = rest.firstIndex(of: "?") {
            path = rest[..<q]
            for item in rest[rest.index(after: q)...].split(separator: "&") {
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = parts[0]
                let value = parts.count > 1 ? parts[1] : ""
                switch key {
                case "db":
                    guard let n = Int(value), n >= 0 else {
                        throw RedisURLError(url: text, reason: "db=\(value) must be a number ≥ 0")
                    }
                    database = n
                case "password": password = try percentDecoded(value, in: text)
                case "user": user = try percentDecoded(value, in: text)
                default:
                    throw RedisURLError(url: text, reason: "unknown query parameter \"\(key)\"; use db, password or user")
                }
            }
        }
        guard path.hasPrefix("/") else {
            throw RedisURLError(url: text, reason: "a unix socket path must be absolute, e.g. unix:///run/redis.sock")
        }
        return RedisURL(endpoint: .unix(path: String(path)), user: user, password: password, database: database)
    }

    private static func parsePort(_ text: Substring, in url: String) throws(RedisURLError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw RedisURLError(url: url, reason: "the port \"\(text)\" must be a number from 1 to 65535")
        }
        return port
    }

    private static func percentDecoded(_ text: Substring, in url: String) throws(RedisURLError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "%") {
                guard let hi = utf8.next().flatMap(hexValue), let lo = utf8.next().flatMap(hexValue) else {
                    throw RedisURLError(url: url, reason: "a % in the user or password must be followed by two hex digits")
                }
                bytes.append(hi << 4 | lo)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A Redis URL that could not be parsed, with the reason and the expected form.
///
/// ```swift
/// do { _ = try RedisURL(parsing: "http://x") } catch { print(error) }
/// // cannot use "http://x" as a Redis URL: the scheme must be redis:// or unix://; ...
/// ```
public struct RedisURLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL as given, with any password replaced by `***` so the error can be logged.
    public var url: String
    public var reason: String

    public init(url: String, reason: String) {
        self.url = Self.maskingPassword(url)
        self.reason = reason
    }

    /// Masks the login part (`user:password@`) and a `password=` query parameter.
    static func maskingPassword(_ url: String) -> String {
        var masked = url
        if let scheme = masked.firstRange(of: "://"), let at = masked.lastIndex(of: "@"), at > scheme.upperBound {
            let login = masked[scheme.upperBound..<at]
            let user = login.firstIndex(of: ":").map { login[..<$0] } ?? ""
            masked = String(masked[..<scheme.upperBound]) + user + ":***" + String(masked[at...])
        }
        if let query = masked.firstIndex(of: "?") {
            let parameters = masked[masked.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { parameter in
                parameter.hasPrefix("password=") ? "password=***" : String(parameter)
            }
            masked = String(masked[...query]) + parameters.joined(separator: "&")
        }
        return masked
    }

    public var description: String {
        "cannot use \"\(url)\" as a Redis URL: \(reason); expected redis://[[user]:password@]host[:port][/db] or unix:///path[?db=N]"
    }
}

extension RedisURL {
    /// What a fresh connection sends before anything else: `AUTH [user] password` and `SELECT db`, when
    /// the URL asks for them.
    var loginCommands: [[[UInt8]]] {
        var commands: [[[UInt8]]] = []
        if let password {
            commands.append([Array("AUTH".utf8)] + (user.map { [Array($0.utf8)] } ?? []) + [Array(password.utf8)])
        }
        if database != 0 { commands.append([Array("SELECT".utf8), Array(String(database).utf8)]) }
        return commands
    }
}
