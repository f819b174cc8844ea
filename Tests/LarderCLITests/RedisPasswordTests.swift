import Foundation
import LarderTestSupport
import Testing

/// A Redis password given in `--redis` / `LARDER_REDIS_URL` never reaches a log line, an error message or
/// `/metrics`: `larder serve` and `larder lookup` run against a Redis that cannot be reached, so every
/// error path that names the server is taken.
@Suite("The Redis password stays secret")
struct RedisPasswordTests {
    static let password = "s3cret-pw-7c1e"

    /// `curl -s` of a URL, with the status code on the last line.
    static func curl(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-w", "\n%{http_code}"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("lookup, a bad URL, and serve's start line, /ready, /metrics and a failed lookup never show it")
    func neverShown() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("larder-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unreachable = "redis://app:\(Self.password)@127.0.0.1:\(try DisposableRedis.freeLoopbackPort())/0"
        let environment = ["LARDER_DATA": dir + "/data", "LARDER_HOME": dir + "/state", "LARDER_REDIS_URL": unreachable]
        let larder = LarderBinary(workingDirectory: dir, environment: environment)
        try #require(larder.run("demo-data", "--scale", "XS", "data").status == 0)
        try #require(larder.run("apply").status == 0)
        var seen: [String] = []

        let lookup = try larder.run("lookup", "--features", "driver_stats:conv_rate", "--entity", "driver_id=1001")
        #expect(lookup.status != 0)
        seen += [lookup.stdout, lookup.stderr]
        let badURL = try larder.run("lookup", "--redis", "redis://app:\(Self.password)@127.0.0.1:99999/0",
                                    "--features", "driver_stats:conv_rate", "--entity", "driver_id=1001")
        #expect(badURL.status != 0 && badURL.stderr.contains("app:***@"), "\(badURL.stderr)")
        seen += [badURL.stdout, badURL.stderr]

        let port = try DisposableRedis.freeLoopbackPort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: LarderBinary.executable)
        server.arguments = ["serve", "--port", String(port), "--no-scheduler"]
        server.currentDirectoryURL = URL(fileURLWithPath: dir)
        server.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let log = dir + "/serve.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        server.standardOutput = logHandle
        server.standardError = logHandle
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        for _ in 0..<200 where try Self.curl(base + "/health").hasSuffix("\n000") {
            try await Task.sleep(for: .milliseconds(50))
        }
        let ready = try Self.curl(base + "/ready")
        #expect(ready.hasSuffix("\n503"), "\(ready)")
        let answer = try Self.curl(base + "/get-online-features", "-H", "Content-Type: application/json",
                                   "-d", #"{"features":["driver_stats:conv_rate"],"entities":{"driver_id":[1001]}}"#)
        #expect(answer.hasSuffix("\n503") && answer.contains("ONLINE_STORE_UNAVAILABLE"), "\(answer)")
        let metrics = try Self.curl(base + "/metrics")
        #expect(metrics.contains("larder_redis_errors_total"), "\(metrics)")
        seen += [ready, answer, metrics]
        server.terminate()
        server.waitUntilExit()
        let logText = try String(contentsOfFile: log, encoding: .utf8)
        #expect(logText.contains("Redis redis://app:***@127.0.0.1"), "\(logText)")
        seen.append(logText)

        for text in seen { #expect(!text.contains(Self.password), "\(text)") }
    }
}
