import ArgumentParser
import Foundation
import Larder
import LarderOffline

/// `larder schedule`: the materialization scheduler without the HTTP server.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run scheduled incremental materializations (views' `schedule:`), without serving HTTP.",
        discussion: """
            Each view with a schedule (.every(.hours(1)) or .cron("0 * * * *")) is materialized
            incrementally at its times; failures are retried with backoff and reported on stderr.
            `larder serve` runs the same scheduler beside the API unless given --no-scheduler.

            Examples:
              larder schedule
              larder schedule --once     # run what is due now, then exit
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var schedulePeriod: SchedulePeriodOption

    @Flag(help: "Run every scheduled view once now, then exit.")
    var once = false

    func run() async throws {
        let project = Project(options)
        let (repository, _) = try project.appliedRepository()
        let scheduler = try ScheduledMaterialization.scheduler(project: project, repository: repository, every: try schedulePeriod.period())
        let plan = await scheduler.schedule()
        for (view, at) in plan.sorted(by: { $0.key < $1.key }) { print("\(view): next run \(at.iso8601(fractionalDigits: 0))") }
        if once {
            let events = await scheduler.tick(now: .now(), all: true)
            if events.contains(where: { if case .succeeded = $0 { false } else { true } }) { throw ExitCode.failure }
            return
        }
        try await scheduler.run()
    }
}
