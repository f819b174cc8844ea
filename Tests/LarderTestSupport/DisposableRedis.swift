public import LarderOnline
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `redis-server` of one test's own, on a free loopback port: for tests that stop it, make it a
/// replica, fill its memory or keep it busy — things the shared private server must never see. The
/// debug command is enabled (`DEBUG RELOAD` gives real `-LOADING` replies). Stop it when done.
///
/// ```swift
/// let redis = try await DisposableRedis.start()
/// defer { redis.stop() }
/// _ = try await redis.command("CONFIG", "SET", "maxmemory", "1")
/// ```
public final class DisposableRedis: @unchecked Sendable {
    // `process` is replaced only by start/restart, which tests call from one task at a time.
    private var process: Process?
    public let port: Int
    private let directory: String
    private let admin: RedisClient

    public var url: RedisURL { RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port)) }

    private init(port: Int, directory: String) {
        self.port = port
        self.directory = directory
        admin = RedisClient(url: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port)),
                            options: .init(connections: 1, connectTimeout: .seconds(1), commandTimeout: .seconds(10),
                                           initialBackoff: .milliseconds(1), maximumBackoff: .milliseconds(20)))
    }

    /// Starts a server on a free port and waits until it answers `PING`.
    public static func start() async throws -> DisposableRedis {
        // A port handed out free can be taken again before redis-server binds it: then try another.
        var attempt = 1
        while true {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("larder-redis-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let redis = DisposableRedis(port: try freeLoopbackPort(), directory: directory)
            do {
                try await redis.restart()
                return redis
            } catch {
                redis.stop()
                guard attempt < 3 else { throw error }
                attempt += 1
            }
        }
    }

    /// Starts the server again on the same port (after ``kill()``) and waits until it answers.
    public func restart() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", directory, "--enable-debug-command", "yes", "--logfile", logPath]
        // Start-up errors (a bad directive, a port taken) go to stderr before the log file opens.
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stderr = FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
        try process.run()
        try? stderr?.close()
        self.process = process
        try await waitUntilAnswering()
    }

    private var logPath: String { directory + "/redis.log" }
    private var stderrPath: String { directory + "/redis.stderr" }

    /// Waits until the server answers `PING`: 1,000 attempts 10 ms apart, counted rather than timed, so
    /// a test process whose other tests keep every thread busy does not give up on a server that is up.
    /// Fails at once, with the server's log, when the process has exited.
    public func waitUntilAnswering() async throws {
        for _ in 0..<1_000 {
            if (try? await admin.ping()) != nil { return }
            if let process, !process.isRunning {
                throw DisposableRedisError("redis-server on port \(port) exited with status \(process.terminationStatus): \(logTail())")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw DisposableRedisError("redis-server on port \(port) did not answer PING after 1,000 attempts: \(logTail())")
    }

    private func logTail() -> String {
        let text = [stderrPath, logPath].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.joined(separator: "\n")
        let lines = text.split(separator: "\n").suffix(5)
        return lines.isEmpty ? "(nothing logged)" : lines.joined(separator: " | ")
    }

    /// One command on the test's own connection.
    @discardableResult
    public func command(_ arguments: String...) async throws -> RedisReply {
        try await admin.command(arguments.map { Array($0.utf8) })
    }

    /// Kills the server at once (SIGKILL) and waits for it to exit.
    public func kill() {
        guard let process, process.isRunning else { return }
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Kills the server and removes its directory.
    public func stop() {
        kill()
        admin.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A loopback port the kernel just handed out (bound, then released).
    public static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DisposableRedisError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw DisposableRedisError("bind() to 127.0.0.1:0 failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A disposable test Redis could not be started.
public struct DisposableRedisError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
