import ArgumentParser
import Foundation
import Larder
import LarderOffline

/// `larder materialize --start --end`: source rows of an interval into the offline (and online) store.
struct MaterializeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "materialize",
        abstract: "Read each view's source for [start, end), transform, and store the rows.",
        discussion: """
            Rows go through the view's Swift transform, have their declared types and nullability checked,
            and are appended to the offline store (Parquet under --home). Re-materializing an interval that
            is already stored replaces its source-derived rows; pushed rows (`larder push`, POST /push) are
            kept. A bad row stops the job with the file, row and reason, and nothing of the job is committed.
            An aggregation view stores its events offline, which training sets then read, and rebuilds its
            online tiles from every stored event (with --online-only, from the events of the interval).

            Examples:
              larder materialize --start 2026-01-01T00:00:00Z --end 2026-02-01T00:00:00Z
              larder materialize --start 2026-01-05 --end 2026-01-06 --view driver_stats --offline-only
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Start of the event-time interval (inclusive), ISO-8601.")
    var start: String

    @Option(help: "End of the event-time interval (exclusive), ISO-8601.")
    var end: String

    @Option(name: .customLong("view"), help: "A view to materialize (repeatable; default: all).")
    var views: [String] = []

    @Flag(help: "Write the offline store only.")
    var offlineOnly = false

    @Flag(help: "Write the online store only.")
    var onlineOnly = false

    func run() throws {
        if offlineOnly && onlineOnly { throw ValidationError("--offline-only and --online-only exclude each other") }
        let project = Project(options)
        let (repository, _) = try project.appliedRepository()
        let interval = EventInterval(start: try Timestamp(parsing: start), end: try Timestamp(parsing: end))
        // Without names, a run skips the views it would write nothing of; named views are run as asked. An
        // aggregation view writes both: its events offline, its tiles online.
        let views = try project.views(named: self.views).filter { view in
            !self.views.isEmpty || (!onlineOnly && view.offline) || (!offlineOnly && (view.online || repository.aggregationView(named: view.name) != nil))
        }
        let materializer = try Materializer(repository: repository, home: options.homeDirectory, dataDirectory: options.dataDirectory,
                                            online: try project.onlineSink(enabled: !offlineOnly))
        let terminal = ProgressLine()
        let report = try materializer.run(views: views, interval: interval, trigger: "manual", offline: !onlineOnly, online: !offlineOnly) { p in
            terminal.show("\(p.view): \(p.phase) \(p.rows) rows" + (p.elapsed > 0.5 && p.rows > 0 ? String(format: " (%.0f rows/s)", Double(p.rows) / p.elapsed) : ""))
        }
        terminal.finish()
        var table = TextTable("VIEW", "ROWS READ", "OFFLINE", "ONLINE", "SECONDS")
        for v in report.views {
            table.add(v.view, String(v.rowsRead), String(v.rowsOffline), String(v.rowsOnline), String(format: "%.2f", v.seconds))
        }
        print("job \(report.jobID) materialized \(interval)")
        print(table.rendered())
    }
}
