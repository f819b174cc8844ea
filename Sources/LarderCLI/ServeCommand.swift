import ArgumentParser
import Foundation
import Larder
import LarderOnline
import LarderRegistry
import LarderServer
import Hummingbird
import LarderOffline
import ServiceLifecycle

/// `larder serve`: the HTTP API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve features over HTTP: Feast-compatible lookups, health, readiness and metrics.",
        discussion: """
            Routes:
              POST /materialize           {"start_ts": "2026-01-01T00:00:00Z", "end_ts": "...", "feature_views": ["driver_stats"]} -> 202 job ids
              POST /materialize-incremental {"end_ts": "...", "feature_views": [...]}; 409 while a view is running
              GET  /jobs/{id}              one job: status, interval, rows, error
              POST /push                  {"feature_view": "driver_stats", "df": {"driver_id": [1001], ...}, "to": "online_and_offline"}
              POST /get-online-features   {"features": ["driver_stats:conv_rate"], "entities": {"driver_id": [1001]}}
                                          or {"feature_service": "rides", "entities": {...}, "full_feature_names": true}
              GET  /health                liveness
              GET  /ready                 registry loaded and Redis answering (503 otherwise)
              GET  /metrics               Prometheus text format
            The registry is reloaded by itself when `larder apply` stores a new version.

            Examples:
              larder serve
              larder serve --host 0.0.0.0 --port 8080 --max-rows 5000
              larder serve --every 10s           # run the scheduled views every 10 s instead of their schedules
              curl -s localhost:6566/get-online-features -d '{"feature_service":"rides","entities":{"driver_id":[1001],"customer_id":[5]}}'
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var schedulePeriod: SchedulePeriodOption

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 6566

    @Option(help: "Most entity rows one lookup may ask for.")
    var maxRows: Int = 1000

    @Option(help: "Largest request body in bytes.")
    var maxBody: Int = 1 << 20

    @Flag(help: "Do not run scheduled materializations beside the API.")
    var noScheduler = false

    @Flag(help: ArgumentHelp(
        "Answer POST /get-online-features through the router instead of on the event loop that reads it.",
        discussion: "Both answer the same; the default event-loop path uses less CPU per lookup. For comparisons and diagnosis."))
    var lookupsThroughRouter = false

    func run() async throws {
        let project = Project(options)
        let registry = try project.openRegistry()
        let configuration = ServerConfiguration(host: host, port: port, maxRows: maxRows, maxBody: maxBody,
                                                lookupsOnEventLoop: !lookupsThroughRouter)
        let pushBuffer = OfflinePushBuffer(store: try OfflineStore(home: options.homeDirectory, database: registry.database),
                                           jobs: try JobLog(database: registry.database), onEvent: Self.logPushEvent)
        let materializer = try Materializer(repository: project.repository, home: options.homeDirectory,
                                            dataDirectory: options.dataDirectory, online: try project.onlineSink(enabled: true))
        let state = ServerState(registry: registry, client: try project.redisClient(), configuration: configuration,
                                repository: project.repository, pushBuffer: pushBuffer, materializer: materializer)
        try await state.reload()
        print("larder serving on http://\(host):\(port) (registry version \(state.version.map(String.init) ?? "none"), Redis \(state.client.url))")
        var services: [any Service] = []
        if !noScheduler {
            let scheduler = try ScheduledMaterialization.scheduler(project: project, repository: try project.appliedRepository().0, every: try schedulePeriod.period())
            services.append(SchedulerService(scheduler: scheduler))
        }
        try await FeatureServer(state: state).application(extraServices: services).runService()
    }
}

extension ServeCommand {
    /// Offline push flushes that failed, gave up or compacted, on stderr (commits are in `larder jobs`).
    @Sendable static func logPushEvent(_ event: OfflinePushBuffer.Event) {
        let line: String
        switch event {
        case .committed: return
        case .failed(let view, let rows, let attempt, let error, let wait):
            line = "push: committing \(rows) offline rows of \(view) failed (attempt \(attempt): \(error)); retrying in \(wait)"
        case .gaveUp(let view, let rows, let attempts, let error):
            line = "push: gave up committing \(rows) offline rows of \(view) after \(attempts) attempts (\(error)); their pushes were answered 503"
        case .compacted(let view, let day, let files, let rows):
            line = "push: compacted \(files) push parts of \(view) on \(day.iso8601(fractionalDigits: 0).prefix(10)) into one (\(rows) rows)"
        case .compactionFailed(let view, let error):
            line = "push: compacting \(view)'s push parts failed (\(error)); the next flush retries"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Runs the materialization scheduler as a service beside the HTTP server; stops on graceful shutdown.
struct SchedulerService: Service {
    let scheduler: MaterializationScheduler
    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await scheduler.run() }
    }
}
