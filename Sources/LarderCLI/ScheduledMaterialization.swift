import ArgumentParser
import Dispatch
import Foundation
import Larder
import LarderOffline

/// Builds the scheduler that `larder serve` and `larder schedule` run: each scheduled view's incremental
/// materialization, on a dedicated thread (it reads files and SQLite, which block).
enum ScheduledMaterialization {
    /// `every` (from `--every`) replaces each view's own schedule.
    static func scheduler(project: Project, repository: FeatureRepository, every: TimeSpan? = nil) throws -> MaterializationScheduler {
        let materializer = try Materializer(repository: repository, home: project.options.homeDirectory,
                                            dataDirectory: project.options.dataDirectory, online: try project.onlineSink(enabled: true))
        let compactor = OfflineCompactor(store: materializer.store, jobs: materializer.jobs, state: materializer.state)
        return MaterializationScheduler(views: repository.materializedViews, clock: SystemSchedulerClock(), override: every.map { .every($0) }, onEvent: { event in
            let line: String = switch event {
            case .succeeded(let view, let at): "scheduler: \(view) materialized up to \(at.iso8601(fractionalDigits: 0))"
            case .failed(let view, _, let error, let retry): "scheduler: \(view) failed (\(error)); retrying at \(retry.iso8601(fractionalDigits: 0))"
            case .gaveUp(let view, _, let error, let next): "scheduler: \(view) failed again (\(error)); next scheduled run \(next.iso8601(fractionalDigits: 0))"
            case .unschedulable(let view, let error): "scheduler: \(view) is not scheduled: \(error) (fix its schedule and run `larder apply`)"
            }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }) { view, now in
            try await onDedicatedThread {
                _ = try materializer.runIncremental(views: [view], end: now, trigger: "scheduled")
                // Small files (push parts, late-row parts) are merged between runs; a failure here is the next run's to retry.
                for kind in OfflineFileKind.allCases where view.offline {
                    do {
                        _ = try compactor.compact(view: view.name, kind: kind, policy: .automatic)
                    } catch {
                        FileHandle.standardError.write(Data("scheduler: compacting \(view.name)'s \(kind.rawValue) files failed (\(error)); the next run retries\n".utf8))
                    }
                }
            }
        }
    }

    /// Runs blocking work on its own thread, off Swift's cooperative pool and NIO's event loops.
    static func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// `--every DURATION` of `larder serve` and `larder schedule`.
struct SchedulePeriodOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Run every scheduled view on this period instead of its own schedule (10s, 5m, 1h).",
        discussion: "For demos and tests: appended source rows reach Redis within one period.", valueName: "period"))
    var every: String?

    func validate() throws { _ = try period() }

    /// The parsed period; a clear error for text that is not a positive duration.
    func period() throws -> TimeSpan? {
        guard let every else { return nil }
        guard let span = TimeSpan(parsing: every), span.microseconds > 0 else {
            throw ValidationError("--every \(every) is not a positive duration: write e.g. 10s, 5m or 1h")
        }
        return span
    }
}
