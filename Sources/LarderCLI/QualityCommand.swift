import ArgumentParser
import Foundation
import Larder
import LarderQuality
import LarderRegistry

/// `larder quality [--view V] [--job ID] [--json]`: the data quality expectations each job checked.
struct QualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Show the results of the views' data quality expectations, per job (the newest job per view by default).",
        discussion: """
            Expectations are declared on a feature view (expectations: [.notNull("conv_rate"), \
            .between("conv_rate", 0, 1, severity: .warn), ...]) and checked on every materialization, before \
            anything is committed: a failed expectation of severity fail stops the job (see `larder jobs show ID` \
            for its error), one of severity warn is recorded here and the job goes on. A push that fails an \
            expectation of severity fail is refused (400 EXPECTATION_FAILED) and writes nothing.

            Examples:
              larder quality                      # newest job per view
              larder quality --view driver_stats  # one view's newest job
              larder quality --job 12             # every view job 12 checked
              larder quality --json | jq '.[] | select(.status == "failed")'
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Only this view.")
    var view: String?

    @Option(help: "The results of this job (an id from `larder jobs`) instead of the newest job per view.")
    var job: Int64?

    @Flag(help: "One JSON object per result: job, view, expectation, severity, status, rows_checked, failing_rows, observed, examples, checked_at.")
    var json = false

    func run() throws {
        guard let registry = try Project(options).existingRegistry() else {
            print("no quality results yet: nothing is registered in \(options.homeDirectory)")
            return
        }
        let entries = try QualityLog(database: registry.database).results(view: view, jobID: job)
        if json {
            print(try Self.json(entries))
            return
        }
        guard !entries.isEmpty else {
            let scope = [view.map { "view \($0)" }, job.map { "job \($0)" }].compactMap { $0 }.joined(separator: ", ")
            print("no quality results\(scope.isEmpty ? "" : " for \(scope)"): views without expectations record none, "
                  + "and results appear once a materialization checked them")
            return
        }
        var table = TextTable("JOB", "VIEW", "EXPECTATION", "SEVERITY", "STATUS", "FAILING", "CHECKED", "OBSERVED")
        for entry in entries {
            let r = entry.result
            table.add(String(entry.jobID), entry.view, r.expectation, r.severity.rawValue, r.status, String(r.failingRows),
                      String(r.rowsChecked), r.observed ?? "")
        }
        print(table.rendered())
        for entry in entries where !entry.result.passed && !entry.result.examples.isEmpty {
            print("\njob \(entry.jobID) \(entry.view) \(entry.result.expectation), examples:")
            for example in entry.result.examples { print("  \(example)") }
        }
        let failed = entries.filter { !$0.result.passed }.count
        print("\n\(entries.count) result\(entries.count == 1 ? "" : "s"), \(failed) failed")
    }

    /// The entries as a JSON array with snake_case names.
    static func json(_ entries: [QualityLog.Entry]) throws -> String {
        struct Row: Encodable {
            var job: Int64, view: String, expectation: String, severity: String, status: String
            var rows_checked: Int, failing_rows: Int, observed: String?, examples: [String], checked_at: String
        }
        let rows = entries.map { e in
            Row(job: e.jobID, view: e.view, expectation: e.result.expectation, severity: e.result.severity.rawValue,
                status: e.result.status, rows_checked: e.result.rowsChecked, failing_rows: e.result.failingRows,
                observed: e.result.observed, examples: e.result.examples, checked_at: e.checkedAt.description)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }
}
