import Dispatch
import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderParquet
import LarderRegistry
import LarderTestSupport
import Testing

/// kill -9 of `larder serve` in the middle of an offline push flush, and of `larder compact` in the middle of a
/// merge: nothing acknowledged is lost, nothing is stored twice, and the next process cleans up what the killed one
/// left half-written.
@Suite("Offline pushes and compactions killed with SIGKILL")
struct OfflinePushCrashTests {
    /// Database 10 of the private test server: no other test uses it.
    static let database = 10
    /// Offline pushes carry driver ids from here up, which the demo data does not have.
    static let firstDriver: Int64 = 100_000

    /// A prepared state directory with the XS demo data applied.
    private func prepared(_ dir: String) throws -> LarderBinary {
        let larder = LarderBinary(workingDirectory: dir, environment: ["LARDER_HOME": dir + "/state", "LARDER_DATA": dir + "/data",
                                                                       "LARDER_REDIS_URL": try PrivateRedis.text(database: Self.database)])
        try #require(larder.run("demo-data", "--scale", "XS", "--start", "2026-01-01T00:00:00Z", "data").status == 0)
        try #require(larder.run("apply").status == 0)
        return larder
    }

    /// `larder serve` on a free port, its output in `log`.
    private func serve(_ larder: LarderBinary, fault: String?, log: String) throws -> (Process, Int) {
        let port = try freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: LarderBinary.executable)
        server.arguments = ["serve", "--port", String(port), "--no-scheduler"]
        server.currentDirectoryURL = URL(fileURLWithPath: larder.workingDirectory)
        var environment = ProcessInfo.processInfo.environment.merging(larder.environment) { _, new in new }
        environment["LARDER_FAULT"] = fault
        server.environment = environment
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        server.standardOutput = handle
        server.standardError = handle
        try server.run()
        return (server, port)
    }

    /// Waits (bounded) until the server answers /health.
    private func awaitHealthy(port: Int, server: Process) async throws {
        for _ in 0..<200 {
            if try curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/health"]) == "200" { return }
            try #require(server.isRunning, "the server stopped before answering")
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the server did not answer /health within 10 s")
    }

    /// One offline push of one driver row; whether it was acknowledged (200).
    private func push(port: Int, driver: Int64) throws -> Bool {
        let minute = driver % 1000
        let body = #"{"feature_view":"driver_stats","to":"offline","df":{"driver_id":[\#(driver)],"event_timestamp":["2026-01-02T10:\#(String(format: "%02d", minute % 60)):00Z"],"created":["2026-01-02T11:00:00Z"],"conv_rate":[0.5],"acc_rate":[0.25],"avg_daily_trips":[\#(minute)]}}"#
        return try curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json", "--data-binary", body,
                         "http://127.0.0.1:\(port)/push"]) == "200"
    }

    /// The stored driver ids of the offline pushes, with how many times each is stored.
    private func storedPushes(_ dir: String) throws -> [Int64: Int] {
        let registry = try Registry(home: dir + "/state")
        let store = try OfflineStore(home: dir + "/state", database: registry.database)
        let ids = try store.read(view: "driver_stats", columns: ["driver_id"])?.column(named: "driver_id")?.int64Values ?? []
        return ids.filter { $0 >= Self.firstDriver }.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// Parquet files on disk that the catalog names neither live nor retired.
    private func orphans(_ dir: String) throws -> [String] {
        let db = try SQLiteConnection(path: dir + "/state/registry.db")
        let known = Set(try db.query("SELECT path FROM offline_files UNION SELECT path FROM offline_retired").compactMap { $0[0].string })
        let onDisk = (FileManager.default.enumerator(atPath: dir + "/state/offline")?.allObjects.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".parquet") || $0.contains(".tmp") }.map { "offline/" + $0 }
        return onDisk.filter { !known.contains($0) }.sorted()
    }

    @Test("serve killed inside a push flush, before or after its commit: every acknowledged row is stored exactly once",
          arguments: ["push-before-commit#3", "push-after-commit#3"])
    func killDuringFlush(fault: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("larder-pushcrash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let larder = try prepared(dir)
        let log = dir + "/serve.log"
        let (server, port) = try serve(larder, fault: fault, log: log)
        defer { if server.isRunning { server.terminate() } }
        try await awaitHealthy(port: port, server: server)

        // Four clients push one row at a time until the server dies under them.
        let acknowledged = LockedIDs()
        DispatchQueue.concurrentPerform(iterations: 4) { lane in
            for k in 0..<50 {
                let driver = Self.firstDriver + Int64(lane * 1000 + k)
                guard (try? push(port: port, driver: driver)) == true else { return }
                acknowledged.add(driver)
            }
        }
        server.waitUntilExit()
        let logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(server.terminationReason == .uncaughtSignal && server.terminationStatus == 9, "killed at \(fault): \(logText)")
        #expect(!acknowledged.all.isEmpty, "some pushes were acknowledged before the kill")

        // Restarted: one more acknowledged push, then a graceful stop.
        let (again, port2) = try serve(larder, fault: nil, log: log)
        try await awaitHealthy(port: port2, server: again)
        let last = Self.firstDriver + 9_999
        #expect(try push(port: port2, driver: last))
        again.terminate()
        again.waitUntilExit()
        #expect(again.terminationReason == .exit && again.terminationStatus == 0)

        let stored = try storedPushes(dir)
        for id in acknowledged.all + [last] { #expect(stored[id] == 1, "acknowledged push of driver \(id) is stored \(stored[id] ?? 0) times") }
        #expect(stored.values.allSatisfy { $0 == 1 }, "no row is stored twice")
        if fault.hasPrefix("push-after-commit") {
            #expect(stored.count > acknowledged.all.count + 1, "the killed flush had committed rows it could not acknowledge")
        }
        #expect(try orphans(dir).isEmpty, "the killed flush's part files were cleaned up")
        let jobs = try SQLiteConnection(path: dir + "/state/registry.db").query("SELECT status FROM jobs WHERE trigger = 'push'").compactMap { $0[0].string }
        #expect(jobs.filter { $0 == "running" }.isEmpty)
    }

    @Test("larder compact killed before or after its commit: the day holds every row once, as parts or as the merged file")
    func killDuringCompaction() throws {
        try withTemporaryDirectory { dir in
            let larder = try prepared(dir)
            for k in 0..<4 {
                let lines = ["driver_id,event_timestamp,created,conv_rate,acc_rate,avg_daily_trips"]
                    + (0..<3).map { i in "\(Self.firstDriver + Int64(k * 10 + i)),2026-01-02T0\(k):0\(i):00Z,2026-01-02T12:00:00Z,0.5,0.5,\(i)" }
                try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/rows\(k).csv", atomically: true, encoding: .utf8)
                let pushed = try larder.run("push", "driver_stats", "rows\(k).csv", "--to", "offline")
                #expect(pushed.status == 0, "\(pushed.stderr)")
            }
            let db = try SQLiteConnection(path: dir + "/state/registry.db")
            let pushParts = { try db.query("SELECT path FROM offline_files WHERE kind = 'push'").compactMap { $0[0].string } }
            #expect(try pushParts().count == 4)
            let expected = Dictionary(uniqueKeysWithValues: (0..<4).flatMap { k in (0..<3).map { (Self.firstDriver + Int64(k * 10 + $0), 1) } })
            #expect(try storedPushes(dir) == expected)

            var crashing = larder
            crashing.environment["LARDER_FAULT"] = "compaction-before-commit"
            #expect(try crashing.run("compact", "--view", "driver_stats").status == 9)
            #expect(try pushParts().count == 4, "nothing of the killed merge is visible")
            #expect(try storedPushes(dir) == expected)
            #expect(try orphans(dir).count == 1, "its merged file is an orphan until the next run")

            crashing.environment["LARDER_FAULT"] = "compaction-after-commit"
            #expect(try crashing.run("compact", "--view", "driver_stats").status == 9)
            let merged = try pushParts()
            #expect(merged.count == 1 && merged[0].contains("/compact-j"), "\(merged)")
            #expect(try storedPushes(dir) == expected)
            #expect(try orphans(dir).isEmpty, "the next run removed the first merge's orphan")

            let again = try larder.run("compact", "--view", "driver_stats")
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("nothing to compact"))
            #expect(try storedPushes(dir) == expected)
        }
    }
}

/// Acknowledged ids, from concurrent lanes.
final class LockedIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int64] = []
    func add(_ id: Int64) { lock.withLock { ids.append(id) } }
    var all: [Int64] { lock.withLock { ids } }
}

/// Runs curl and returns its standard output.
func curl(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--max-time", "30"] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// A loopback TCP port the kernel says is free (bound, read, closed).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw CLITestError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw CLITestError("bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
