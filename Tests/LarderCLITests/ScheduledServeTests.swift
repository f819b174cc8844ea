import Foundation
import Larder
import LarderColumnar
import LarderParquet
import LarderTestSupport
import Testing

/// `larder serve --every` with the scheduler, and `larder demo-data --append-latest`: rows appended to a
/// source while the server runs are online within one period, with no manual materialization.
@Suite("larder serve's scheduler picks up appended source rows, end to end")
struct ScheduledServeTests {
    /// Database 4 of the private test server: no other test uses it.
    static let database = 4

    /// The `appended N driver_stats rows at TIME to PATH` line and driver 1001's `conv_rate X`.
    static func appended(_ output: String) throws -> (rows: Int, at: String, conv: String) {
        let words = output.split(whereSeparator: \.isWhitespace).map(String.init)
        let rows = try #require(words.firstIndex(of: "appended").flatMap { Int(words[$0 + 1]) }, "\(output)")
        let at = try #require(words.firstIndex(of: "at").map { words[$0 + 1] }, "\(output)")
        let conv = try #require(words.firstIndex(of: "conv_rate").map { String(words[$0 + 1].dropLast()) }, "\(output)")
        return (rows, at, conv)
    }

    @Test("--append-latest adds one row per driver, timed 2 s ahead, to a Parquet or a CSV source; without data it says what to run")
    func appendLatest() throws {
        try withTemporaryDirectory { dir in
            let larder = LarderBinary(workingDirectory: dir)
            try #require(larder.run("demo-data", "--scale", "XS", "parquet").status == 0)
            try #require(larder.run("demo-data", "--scale", "XS", "--format", "csv", "csv").status == 0)
            let before = try ParquetFile.read(dir + "/parquet/driver_stats.parquet")
            let csvLinesBefore = try String(contentsOfFile: dir + "/csv/driver_stats.csv", encoding: .utf8).split(separator: "\n").count

            let parquet = try larder.run("demo-data", "--scale", "XS", "--append-latest", "parquet")
            try #require(parquet.status == 0, "\(parquet.stderr)")
            let added = try Self.appended(parquet.stdout)
            #expect(added.rows == 100)
            let after = try ParquetFile.read(dir + "/parquet/driver_stats.parquet")
            #expect(after.rowCount == before.rowCount + 100)
            let at = try Timestamp(parsing: added.at)
            let events = try #require(after.column(named: "event_timestamp"))
            let ids = try #require(after.column(named: "driver_id"))
            let fresh = (0..<after.rowCount).filter { events.value(at: $0) == .timestamp(at) }
            #expect(fresh.count == 100, "exactly the appended rows carry the append time")
            #expect(Set(fresh.map { ids.value(at: $0) }) == Set((1000..<1100).map { Value.int64($0) }))
            let ahead = at.microsecondsSinceEpoch - Timestamp.now().microsecondsSinceEpoch
            #expect(ahead > -60_000_000 && ahead <= 2_000_000, "timed at most 2 s ahead of now: \(ahead) µs")

            // A last line without its newline stays a line of its own.
            let unterminated = #"1099,"2026-01-01T00:00:00Z","2026-01-01T00:00:00Z",0.5,0.5,1"#
            let handle = try #require(FileHandle(forWritingAtPath: dir + "/csv/driver_stats.csv"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(unterminated.utf8))
            try handle.close()
            let csv = try larder.run("demo-data", "--scale", "XS", "--append-latest", "csv")
            try #require(csv.status == 0, "\(csv.stderr)")
            let csvText = try String(contentsOfFile: dir + "/csv/driver_stats.csv", encoding: .utf8)
            let csvLines = csvText.split(separator: "\n")
            #expect(csvLines.count == csvLinesBefore + 1 + 100)
            #expect(csvLines[csvLinesBefore] == unterminated[...])
            #expect(csvText.split(separator: "\n").last?.hasPrefix("1099,") == true)

            let missing = try larder.run("demo-data", "--append-latest", "nothing-here")
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("no driver_stats.parquet or driver_stats.csv in nothing-here: run `larder demo-data nothing-here` first"))
        }
    }

    @Test("serve --every 1s: rows appended while it runs are served from Redis within a period or two, then SIGTERM stops it cleanly")
    func appendedRowsGoOnline() async throws {
        let redis = try PrivateRedis.text(database: Self.database)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("larder-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let environment = ["LARDER_DATA": dir + "/data", "LARDER_HOME": dir + "/state", "LARDER_REDIS_URL": redis]
        let larder = LarderBinary(workingDirectory: dir, environment: environment)
        try #require(larder.run("demo-data", "--scale", "XS", "data").status == 0)
        try #require(larder.run("apply").status == 0)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: LarderBinary.executable)
        server.arguments = ["serve", "--port", "0", "--every", "1s"]
        server.currentDirectoryURL = URL(fileURLWithPath: dir)
        server.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let log = dir + "/serve.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        server.standardOutput = logHandle
        server.standardError = logHandle
        try server.run()
        defer { if server.isRunning { server.terminate() } }

        let append = try larder.run("demo-data", "--scale", "XS", "--append-latest", "data")
        try #require(append.status == 0, "\(append.stderr)")
        let added = try Self.appended(append.stdout)

        // The first scheduled run starts at end − ttl, the next ones at the watermark; the appended rows are
        // timed 2 s ahead, so the first run whose end passes them reads the replaced file.
        var served = ""
        for _ in 0..<40 {
            let lookup = try larder.run("lookup", "--features", "driver_stats:conv_rate", "--entity", "driver_id=1001", "--json")
            served = lookup.stdout
            if served.contains("\"\(added.at)\"") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(served.contains("\"\(added.at)\""), "not online after 10 s: \(served)\n\(logText)")
        #expect(served.contains("\"values\":[\(added.conv)]"), "\(served)")
        #expect(logText.contains("scheduler: driver_stats materialized up to"), "\(logText)")

        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0, "SIGTERM is a graceful shutdown")
    }
}
