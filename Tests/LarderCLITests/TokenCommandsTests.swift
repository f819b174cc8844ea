import Foundation
import LarderTestSupport
import Testing

/// `larder tokens create|list|revoke` and `larder serve`'s access rules, end to end with the built binary.
@Suite("larder tokens and serve's access rules, end to end")
struct TokenCommandsTests {
    /// A database of the private test server no other test uses (the server here writes nothing to it).
    static let database = 13

    static var tokenShape: Regex<Substring> { /^larder_[0-9a-f]{12}_[0-9a-f]{64}$/ }

    @Test("create prints the token once, alone on the last line; list shows name, scope and times but never the secret; revoke marks it")
    func createListRevoke() throws {
        try withTemporaryDirectory { dir in
            let larder = LarderBinary(workingDirectory: dir)
            let created = try larder.run("tokens", "create", "feast-client", "--scope", "read")
            try #require(created.status == 0, "\(created.stderr)")
            let lines = created.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()  // the final newline
            let token = String(try #require(lines.last))
            #expect(token.wholeMatch(of: Self.tokenShape) != nil, "the last line is not a token alone: \(token)")
            #expect(lines.filter { $0.contains(token) }.count == 1, "printed more than once:\n\(created.stdout)")
            let secret = String(token.suffix(64))

            let list = try larder.run("tokens", "list")
            try #require(list.status == 0, "\(list.stderr)")
            #expect(!list.stdout.contains(secret), "list shows the secret:\n\(list.stdout)")
            let row = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix("feast-client") })
            let cells = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(cells.count == 5)
            #expect(cells[1] == "read")
            #expect(cells[2] == String(token.prefix(20)) + "…")
            #expect(cells[4] == "-")
            let registry = try #require(FileManager.default.contents(atPath: dir + "/.larder/registry.db"))
            #expect(registry.range(of: Data(secret.utf8)) == nil, "registry.db holds the secret")

            let again = try larder.run("tokens", "create", "feast-client", "--scope", "admin")
            #expect(again.status != 0)
            #expect(again.stderr.contains("a token named feast-client already exists: revoke it first (`larder tokens revoke feast-client`)"), "\(again.stderr)")
            let badScope = try larder.run("tokens", "create", "x", "--scope", "root")
            #expect(badScope.status == 64)
            #expect(badScope.stderr.contains("--scope root is not a scope: use read, write or admin"), "\(badScope.stderr)")

            let revoked = try larder.run("tokens", "revoke", "feast-client")
            try #require(revoked.status == 0, "\(revoked.stderr)")
            #expect(revoked.stdout.contains("revoked token feast-client (scope read)"))
            let after = try larder.run("tokens", "list")
            let revokedRow = try #require(after.stdout.split(separator: "\n").first { $0.hasPrefix("feast-client") })
            #expect(revokedRow.split(separator: " ", omittingEmptySubsequences: true).last != "-", "\(after.stdout)")
            let unknown = try larder.run("tokens", "revoke", "feast-client")
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("no unrevoked token named feast-client"), "\(unknown.stderr)")
            #expect(try larder.run("tokens", "--help").stdout.contains("larder tokens create feast-client --scope read"))
        }
    }

    @Test("serve refuses a host other machines reach while no token exists, saying how to make one; --insecure-no-auth serves it")
    func nonLoopbackNeedsAToken() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("larder-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let environment = ["LARDER_REDIS_URL": try PrivateRedis.text(database: Self.database)]
        let refused = try ServeProcess(directory: dir, environment: environment, arguments: ["--host", "0.0.0.0", "--no-scheduler"])
        defer { refused.stop() }
        let status = try await refused.exitStatus(within: .seconds(30))
        let output = refused.output
        #expect(status != nil && status != 0, "serve did not refuse 0.0.0.0 without a token:\n\(output)")
        #expect(output.contains("refusing to serve 0.0.0.0 without authentication"), "\(output)")
        #expect(output.contains("`larder tokens create NAME --scope read|write|admin`"), "\(output)")
        #expect(output.contains("--insecure-no-auth"), "\(output)")

        let server = try ServeProcess(directory: dir, environment: environment, arguments: ["--host", "0.0.0.0", "--insecure-no-auth", "--no-scheduler"])
        defer { server.stop() }
        let line = try await server.servingLine()
        #expect(line.contains("open to anyone who reaches it: no token exists (--insecure-no-auth)"), "\(line)")
    }

    @Test("over HTTPS from --tls-cert/--tls-key: a token is accepted, refused within a few seconds of `tokens revoke`, a new one works, all without a restart")
    func revokeOnARunningServer() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("larder-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pem = try SelfSignedCertificate.write(into: dir)
        let environment = ["LARDER_REDIS_URL": try PrivateRedis.text(database: Self.database)]
        let larder = LarderBinary(workingDirectory: dir, environment: environment)
        func create(_ name: String, _ scope: String) throws -> String {
            let created = try larder.run("tokens", "create", name, "--scope", scope)
            try #require(created.status == 0, "\(created.stderr)")
            return try #require(created.stdout.split(separator: "\n").last.map(String.init))
        }
        let dashboard = try create("dashboard", "read")
        let operations = try create("operations", "admin")

        let server = try ServeProcess(directory: dir, environment: environment,
                                      arguments: ["--no-scheduler", "--tls-cert", pem.certificate, "--tls-key", pem.privateKey])
        defer { server.stop() }
        let port = try await server.port()
        func metrics(_ token: String?) throws -> String {
            var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", pem.certificate, "https://localhost:\(port)/metrics"]
            if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
            return try Curl.run(arguments).stdout
        }
        /// Polls until `metrics(token)` answers `code`, for up to 10 s.
        func eventually(_ token: String?, _ code: String) async throws -> Bool {
            for _ in 0..<100 {
                if try metrics(token) == code { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(try metrics(dashboard) == "200")
        #expect(try metrics(nil) == "401")
        #expect(try Curl.run(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", pem.certificate, "https://localhost:\(port)/health"]).stdout == "200")

        let revoked = try larder.run("tokens", "revoke", "dashboard")
        try #require(revoked.status == 0, "\(revoked.stderr)")
        #expect(!revoked.stdout.contains("no unrevoked token is left"))
        #expect(try await eventually(dashboard, "401"), "the revoked token was still accepted 10 s later")
        #expect(try metrics(operations) == "200")
        let fresh = try create("dashboard", "read")
        #expect(try await eventually(fresh, "200"), "a new token was not accepted 10 s later")

        // With every token revoked, a loopback server is open again, as before the first token; the command says so.
        _ = try larder.run("tokens", "revoke", "dashboard")
        let last = try larder.run("tokens", "revoke", "operations")
        #expect(last.stdout.contains("no unrevoked token is left: a server on a loopback host answers every route without a token again"), "\(last.stdout)")
        #expect(try await eventually(nil, "200"), "not open 10 s after the last token was revoked")
    }

    @Test("every serve option is checked before anything starts, with an error naming the option", arguments: [
        (["--port", "70000"], "--port 70000 is not a port: give 0 to 65535"),
        (["--port=-1"], "--port -1 is not a port"),
        (["--max-rows", "0"], "--max-rows 0 must be 1 to 1000000"),
        (["--max-rows", "9223372036854775807"], "--max-rows 9223372036854775807 must be 1 to 1000000"),
        (["--max-body", "0"], "--max-body 0 must be 1 to 1073741824 bytes"),
        (["--max-connections", "0"], "--max-connections 0 must be 1 to 1000000"),
        (["--idle-timeout", "0s"], "--idle-timeout 0s is not a duration from 1s to 1d"),
        (["--idle-timeout", "106751991167d"], "--idle-timeout 106751991167d is not a duration from 1s to 1d"),
        (["--read-timeout", "soon"], "--read-timeout soon is not a duration from 1s to 1d"),
        (["--read-timeout", "2d"], "--read-timeout 2d is not a duration from 1s to 1d"),
        (["--every", "99999999999999999d"], "--every 99999999999999999d is not a positive duration"),
        (["--host", ""], "--host is empty"),
        (["--tls-cert", "cert.pem"], "--tls-cert needs --tls-key"),
        (["--tls-key", "key.pem"], "--tls-key needs --tls-cert"),
        (["--tls-cert", "missing.pem", "--tls-key", "missing-key.pem"], "--tls-cert/--tls-key: missing.pem is not a readable PEM certificate chain"),
    ])
    func optionValidation(arguments: [String], message: String) throws {
        try withTemporaryDirectory { dir in
            let result = try LarderBinary(workingDirectory: dir).run(["serve"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/.larder"), "nothing is created before the options are checked")
        }
    }
}

/// `larder serve` running in the background, its output in a log file.
final class ServeProcess: @unchecked Sendable {
    // Started in init, stopped once; the tests use it from one task.
    let process = Process()
    let log: String

    init(directory: String, environment: [String: String], arguments: [String]) throws {
        log = directory + "/serve-\(UUID().uuidString).log"
        process.executableURL = URL(fileURLWithPath: LarderBinary.executable)
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["LARDER_HOME"] = nil
        env["LARDER_DATA"] = nil
        process.environment = env.merging(environment) { _, new in new }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// The `larder serving on …` line, once it is printed (the server is then listening).
    func servingLine() async throws -> String {
        for _ in 0..<300 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("larder serving on ") }) { return String(line) }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServeProcessError(description: "larder serve did not start: \(output)")
    }

    /// Everything it printed so far.
    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Its exit status once it exits, or `nil` if it still runs after `timeout`.
    func exitStatus(within timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The port it listens on (it was started with `--port 0`).
    func port() async throws -> Int {
        let line = try await servingLine()
        let address = try #require(line.split(separator: " ").dropFirst(3).first, "\(line)")
        return try #require(Int(address.split(separator: ":").last ?? ""), "\(line)")
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

struct ServeProcessError: Error, CustomStringConvertible {
    var description: String
}

/// The `curl` command (installed by `make deps`).
enum Curl {
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
