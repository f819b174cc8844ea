import Foundation

import Glibc

/// One TCP connection to a test server for what an HTTP client library hides: a head sent without its
/// body, a body that stops halfway, a connection left idle, whether the server closed it. Every blocking
/// call runs on a thread of its own (the server under test needs the cooperative pool).
///
/// ```swift
/// let socket = try await RawSocket.connect(port: port)
/// try await socket.send("GET /health HTTP/1.1\r\nHost: larder\r\n\r\n")
/// let response = try await socket.response(within: .seconds(5))   // nil: nothing came
/// #expect(try await socket.closedByServer(within: .seconds(5)))
/// ```
final class RawSocket: @unchecked Sendable {
    // Used by one test at a time, one call after another.
    private let fd: Int32
    private var received: [UInt8] = []
    private var isOpen = true

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private init(fd: Int32) { self.fd = fd }

    deinit { close() }

    /// Closes the connection from this side.
    func close() {
        guard isOpen else { return }
        isOpen = false
        Glibc.close(fd)
    }

    static func connect(port: Int) async throws -> RawSocket {
        try await onThread {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            guard connected else {
                Glibc.close(fd)
                throw Failure(description: "connect to port \(port) failed: errno \(errno)")
            }
            return RawSocket(fd: fd)
        }
    }

    func send(_ text: String) async throws {
        try await Self.onThread { [self] in
            let bytes = Array(text.utf8)
            guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
                throw Failure(description: "send failed: errno \(errno)")
            }
        }
    }

    /// The next whole response (`Content-Length` body), or `nil` when none arrives within `timeout` or the
    /// server closes first.
    func response(within timeout: Duration) async throws -> RawHTTPConnection.Response? {
        try await Self.onThread { [self] in
            let deadline = ContinuousClock.now + timeout
            while true {
                if let response = try RawHTTPConnection.parse(&received) { return response }
                guard case .data = try readMore(until: deadline) else { return nil }
            }
        }
    }

    /// Whether the server closes the connection (end of stream or reset) within `timeout`; data that
    /// arrives meanwhile is kept for ``response(within:)``.
    func closedByServer(within timeout: Duration) async throws -> Bool {
        try await Self.onThread { [self] in
            let deadline = ContinuousClock.now + timeout
            while true {
                switch try readMore(until: deadline) {
                case .closed: return true
                case .timedOut: return false
                case .data: continue
                }
            }
        }
    }

    private enum ReadOutcome { case data, closed, timedOut }

    private func readMore(until deadline: ContinuousClock.Instant) throws -> ReadOutcome {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { return .timedOut }
        let (seconds, attoseconds) = left.components
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: min(Int(attoseconds / 1_000_000_000_000) + 1, 999_999))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            received += chunk[..<n]
            return .data
        }
        if n == 0 || errno == ECONNRESET { return .closed }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return ContinuousClock.now >= deadline ? .timedOut : .data }
        throw Failure(description: "recv failed: errno \(errno)")
    }

    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
