import ArgumentParser
import Foundation
import Larder

/// `larder alerts rules [--out FILE]`: Prometheus alerting rules over the gauges `larder serve` exposes on
/// `/metrics`, one set per registered view.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Write Prometheus alerting rules for the registered views (`larder alerts rules`).",
        discussion: """
            Per view with a schedule: LarderViewStale when its newest stored event is older than twice its
            schedule's period (the longest gap between two runs, for a cron schedule) plus its allowed lateness,
            and LarderViewNotMaterialized when its last successful job is older than twice the period. Per view:
            LarderViewJobFailed when its last finished job failed. The rules read the gauges of `/metrics`
            (larder_view_newest_event_age_seconds, larder_view_last_success_age_seconds, larder_view_last_job_failed);
            `promtool check rules FILE` accepts them.

            Examples:
              larder alerts rules > larder-rules.yml
              larder alerts rules --out /etc/prometheus/rules/larder.yml --for 10m
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "rules (the only action).")
    var action: String

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    @Option(name: .customLong("for"), help: "How long a condition must hold before the alert fires (Prometheus duration).")
    var holdFor: String = "5m"

    func run() throws {
        guard action == "rules" else { throw ValidationError("the action is `rules`: larder alerts rules [--out FILE]") }
        guard holdFor.range(of: #"^[0-9]+(ms|s|m|h|d|w|y)$"#, options: .regularExpression) != nil else {
            throw ValidationError("--for \(holdFor) is not a Prometheus duration; write e.g. 5m or 1h")
        }
        let (repository, _) = try Project(options).appliedRepository()
        let views: [(name: String, schedule: Schedule?, lateness: TimeSpan?)] =
            repository.views.map { ($0.name, $0.schedule, $0.allowedLateness) }
            + repository.aggregationViews.map { ($0.name, $0.schedule, $0.allowedLateness) }
        let text = AlertRules.yaml(views: views, holdFor: holdFor)
        if let out {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } else {
            print(text, terminator: "")
        }
    }
}

/// The rules' YAML (Prometheus' rule file format), written here rather than by a YAML library: a fixed shape
/// whose only free text — view names — is quoted.
enum AlertRules {
    static func yaml(views: [(name: String, schedule: Schedule?, lateness: TimeSpan?)], holdFor: String) -> String {
        var out = "groups:\n  - name: larder\n    rules:\n"
        func rule(_ alert: String, _ expr: String, _ view: String, _ summary: String) {
            out += "      - alert: \(alert)\n"
            out += "        expr: '\(expr)'\n"
            out += "        for: \(holdFor)\n"
            out += "        labels:\n          severity: warning\n          view: \(quoted(view))\n"
            out += "        annotations:\n          summary: \(quoted(summary))\n"
        }
        for view in views {
            let selector = "{view=\"\(view.name)\"}"
            if let schedule = view.schedule, let period = longestGap(schedule) {
                let stale = 2 * period + (view.lateness?.microseconds ?? 0) / 1_000_000
                rule("LarderViewStale", "larder_view_newest_event_age_seconds\(selector) > \(stale)", view.name,
                     "view \(view.name): newest stored event older than \(stale) s (2× its schedule, \(schedule))")
                rule("LarderViewNotMaterialized", "larder_view_last_success_age_seconds\(selector) > \(2 * period)", view.name,
                     "view \(view.name): no successful job for \(2 * period) s (2× its schedule, \(schedule))")
            }
            rule("LarderViewJobFailed", "larder_view_last_job_failed\(selector) == 1", view.name,
                 "view \(view.name): its last job failed; `larder jobs --view \(view.name) --failed` shows the error")
        }
        return out
    }

    /// The schedule's period in seconds: the longest gap between runs over a week (a cron schedule's gaps vary).
    static func longestGap(_ schedule: Schedule) -> Int64? {
        var t = Timestamp.now()
        var longest: Int64 = 0
        let end = t.microsecondsSinceEpoch + 7 * 86_400_000_000
        for _ in 0..<20_000 {
            guard let next = try? schedule.next(after: t) else { return nil }
            longest = max(longest, next.microsecondsSinceEpoch - t.microsecondsSinceEpoch)
            if next.microsecondsSinceEpoch > end { break }
            t = next
        }
        return longest > 0 ? (longest + 999_999) / 1_000_000 : nil
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
