import ArgumentParser
import Foundation
import Larder
import LarderRegistry

/// `larder jobs` and `larder jobs show ID`: the materialization history.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List jobs (materializations — manual, incremental, scheduled, HTTP —, push flushes, compactions), or show one.",
        discussion: """
            Examples:
              larder jobs
              larder jobs --view driver_stats --failed
              larder jobs show 12
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "show, to show one job.")
    var action: String?

    @Argument(help: "The job id for show.")
    var id: Int64?

    @Option(help: "Only jobs that touched this view.")
    var view: String?

    @Flag(help: "Only failed jobs.")
    var failed = false

    @Option(help: "How many jobs to list.")
    var limit: Int = 30

    func run() throws {
        guard let registry = try Project(options).existingRegistry() else {
            print("no jobs yet: nothing is registered in \(options.homeDirectory)")
            return
        }
        let jobs = try JobLog(database: registry.database)
        _ = try jobs.failAbandoned()
        switch action {
        case nil:
            var table = TextTable("ID", "STATUS", "TRIGGER", "VIEWS", "INTERVAL", "READ", "OFFLINE", "ONLINE", "LATE", "STARTED")
            for j in try jobs.list(view: view, failedOnly: failed, limit: limit) {
                table.add(String(j.id), j.status.rawValue, j.trigger, j.views.joined(separator: ","), j.interval.description,
                          String(j.rowsRead), String(j.rowsOffline), String(j.rowsOnline), String(j.rowsLate),
                          j.startedAt.iso8601(fractionalDigits: 0))
            }
            print(table.rendered())
        case "show":
            guard let id else { throw ValidationError("jobs show needs an ID") }
            guard let j = try jobs.job(id) else { throw CLIError("no job \(id); `larder jobs` lists them") }
            let seconds = j.finishedAt.map { Double($0.microsecondsSinceEpoch - j.startedAt.microsecondsSinceEpoch) / 1e6 }
            print("""
                job \(j.id): \(j.status.rawValue)
                trigger: \(j.trigger)
                views: \(j.views.joined(separator: ", "))
                interval: \(j.interval)
                started: \(j.startedAt)
                finished: \(j.finishedAt.map(\.description) ?? "-")\(seconds.map { String(format: " (%.2f s)", $0) } ?? "")
                rows read: \(j.rowsRead), written offline: \(j.rowsOffline), online: \(j.rowsOnline)
                late rows (event time behind the view's watermark): \(j.rowsLate)
                process: \(j.pid)
                """)
            if let note = j.note { print("note: \(note)") }
            if let error = j.error { print("error: \(error)") }
        default:
            throw ValidationError("unknown action \(action!): use `larder jobs` or `larder jobs show ID`")
        }
    }
}
