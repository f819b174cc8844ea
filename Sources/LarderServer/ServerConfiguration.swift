import Foundation

/// How `larder serve` listens and what it accepts.
///
/// ```swift
/// var configuration = ServerConfiguration(host: "0.0.0.0", port: 8443, requireTokens: true)
/// configuration.tls = ServerConfiguration.TLSFiles(certificateChain: "cert.pem", privateKey: "key.pem")
/// ```
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Entity rows per lookup at most.
    public var maxRows: Int
    /// Request body bytes at most.
    public var maxBody: Int
    /// How often the registry and the tokens are checked for changes.
    public var reloadInterval: Duration
    /// Answer `POST /get-online-features` on the event loop that reads it (``OnlineFeaturesChannelHandler``)
    /// rather than through the router; the answers are the same, the loop path costs less CPU.
    public var lookupsOnEventLoop: Bool
    /// A connection with no request in progress and nothing read for this long is closed.
    public var idleTimeout: Duration
    /// A request whose body has not arrived whole this long after its head is answered 408 and its
    /// connection closed (``RequestGuardHandler``).
    public var readTimeout: Duration
    /// Connections open at once at most; further ones wait in the listen backlog until one closes.
    public var maxConnections: Int
    /// Refuse requests without a token even while no token exists: a server other machines can reach.
    public var requireTokens: Bool
    /// Serve HTTPS with this certificate and key; `nil` serves plain HTTP.
    public var tls: TLSFiles?

    /// PEM files of a certificate chain (the server's certificate first) and its private key.
    public struct TLSFiles: Sendable, Equatable {
        public var certificateChain: String
        public var privateKey: String

        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    public init(host: String = "127.0.0.1", port: Int = 6566, maxRows: Int = 1000, maxBody: Int = 1 << 20,
                reloadInterval: Duration = .seconds(2), lookupsOnEventLoop: Bool = true, idleTimeout: Duration = .seconds(60),
                readTimeout: Duration = .seconds(30), maxConnections: Int = 512, requireTokens: Bool = false, tls: TLSFiles? = nil) {
        self.lookupsOnEventLoop = lookupsOnEventLoop
        self.host = host
        self.port = port
        self.maxRows = maxRows
        self.maxBody = maxBody
        self.reloadInterval = reloadInterval
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
        self.maxConnections = maxConnections
        self.requireTokens = requireTokens
        self.tls = tls
    }

    /// Rows one `POST /push` may carry: 100 lookups' worth, saturating instead of overflowing.
    public var maxPushRows: Int {
        let (rows, overflow) = maxRows.multipliedReportingOverflow(by: 100)
        return overflow ? .max : rows
    }

    /// Whether `host` only accepts connections from this machine: `localhost`, 127.0.0.0/8 or ::1.
    public static func isLoopback(host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return false }
        return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
    }
}
