import ArgumentParser
import Foundation
import Larder
import LarderOffline

/// `larder materialize-incremental`: each view from its watermark to now (or --end).
struct MaterializeIncrementalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "materialize-incremental",
        abstract: "Materialize each view from where its last successful run ended up to --end (default now).",
        discussion: """
            The first run of a view starts at end - ttl (or the source's earliest event when the view has
            no ttl). Rows appended to a source since the last run are picked up. Late rows — event time
            behind the watermark — are taken when the source has a created column (rows created after the
            last run) and stored beside their days' rows; a view with allowedLateness re-reads that much
            before its watermark each run, replacing the interval. Either way no row is stored twice, and
            `larder jobs show ID` counts the late rows a run took. Two runs of one view never overlap: the
            second is refused.

            Examples:
              larder materialize-incremental
              larder materialize-incremental --view driver_stats --end 2026-02-01T00:00:00Z
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "End of the interval (exclusive), ISO-8601; default now.")
    var end: String?

    @Option(name: .customLong("view"), help: "A view to materialize (repeatable; default: all).")
    var views: [String] = []

    @Flag(help: "Write the offline store only.")
    var offlineOnly = false

    func run() throws {
        let project = Project(options)
        let (repository, _) = try project.appliedRepository()
        let until = try end.map { try Timestamp(parsing: $0) } ?? .now()
        let materializer = try Materializer(repository: repository, home: options.homeDirectory, dataDirectory: options.dataDirectory,
                                            online: try project.onlineSink(enabled: !offlineOnly))
        let terminal = ProgressLine()
        let reports = try materializer.runIncremental(views: try project.views(named: views), end: until, trigger: "incremental",
                                                      online: !offlineOnly) { p in
            terminal.show("\(p.view): \(p.phase) \(p.rows) rows")
        }
        terminal.finish()
        if reports.isEmpty { print("nothing to do: every view is materialized up to \(until.iso8601(fractionalDigits: 0))") }
        var table = TextTable("JOB", "VIEW", "INTERVAL", "ROWS READ", "OFFLINE", "ONLINE", "LATE")
        for report in reports {
            for v in report.views {
                table.add(String(report.jobID), v.view, report.interval.description, String(v.rowsRead), String(v.rowsOffline),
                          String(v.rowsOnline), String(v.rowsLate))
            }
        }
        if !reports.isEmpty { print(table.rendered()) }
    }
}
