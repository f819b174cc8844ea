import Foundation
import Testing

/// `larder alerts rules` through the built binary: rules per registered view over the gauges of `/metrics`,
/// accepted by Prometheus' own `promtool` when it is installed (Debian's `prometheus`; `.ci/run` installs it).
@Suite("larder alerts rules, end to end")
struct AlertsCommandTests {
    static var promtool: String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("stale, not-materialized and job-failed rules from each view's schedule; promtool check rules accepts the file")
    func rules() throws {
        try withTemporaryDirectory { dir in
            let larder = LarderBinary(workingDirectory: dir, environment: ["LARDER_DATA": dir + "/data", "LARDER_HOME": dir + "/state"])
            try #require(larder.run("demo-data", "--scale", "XS", "--start", "2026-01-01T00:00:00Z", "data").status == 0)
            try #require(larder.run("apply").status == 0)
            let made = try larder.run("alerts", "rules", "--out", "rules.yml", "--for", "10m")
            #expect(made.status == 0, "\(made.stderr)")
            let text = try String(contentsOfFile: dir + "/rules.yml", encoding: .utf8)
            // driver_stats runs every hour, so stale beyond 2 h (+ no lateness) and no success for 2 h.
            #expect(text.contains("expr: 'larder_view_newest_event_age_seconds{view=\"driver_stats\"} > 7200'"), "\(text)")
            #expect(text.contains("expr: 'larder_view_last_success_age_seconds{view=\"driver_stats\"} > 7200'"))
            #expect(text.contains("expr: 'larder_view_last_job_failed{view=\"driver_trips\"} == 1'"))
            #expect(text.components(separatedBy: "- alert: LarderViewJobFailed").count - 1 == text.components(separatedBy: "expr: 'larder_view_last_job_failed").count - 1)
            #expect(text.contains("for: 10m"))
            let bad = try larder.run("alerts", "rules", "--for", "ten minutes")
            #expect(bad.status != 0 && bad.stderr.contains("is not a Prometheus duration"))
            if let promtool = Self.promtool {
                let check = Process()
                check.executableURL = URL(fileURLWithPath: promtool)
                check.arguments = ["check", "rules", dir + "/rules.yml"]
                let output = Pipe()
                check.standardOutput = output
                check.standardError = output
                try check.run()
                let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                check.waitUntilExit()
                #expect(check.terminationStatus == 0, "promtool: \(said)")
                #expect(said.contains("SUCCESS"), "\(said)")
            } else {
                // Without promtool: the file's shape as Prometheus reads it — one group, every rule complete.
                let alerts = text.components(separatedBy: "- alert: ").count - 1
                #expect(text.hasPrefix("groups:\n  - name: larder\n    rules:\n"))
                #expect(alerts > 0 && text.components(separatedBy: "        expr: ").count - 1 == alerts
                        && text.components(separatedBy: "        for: 10m").count - 1 == alerts)
            }
        }
    }
}
