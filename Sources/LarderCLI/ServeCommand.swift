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
              POST /reload                read the registry and the tokens now
            The registry and the tokens are reloaded by themselves every 2 s.

            Access: once a token exists (`larder tokens create NAME --scope read|write|admin`), every route but
            /health and /ready needs `Authorization: Bearer TOKEN`: read for lookups, predict, metrics and
            GET /jobs/{id}; write for push; admin for materialize and reload (admin includes write, write
            includes read). Without a token, serve runs open on a loopback host only. POST bodies must be
            sent with `Content-Type: application/json`.

            Examples:
              larder serve
              larder tokens create api --scope read && larder serve --host 0.0.0.0 --port 8080 --max-rows 5000
              larder serve --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem --max-connections 2000
              larder serve --every 10s           # run the scheduled views every 10 s instead of their schedules
              curl -s localhost:6566/get-online-features -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \\
                -d '{"feature_service":"rides","entities":{"driver_id":[1001],"customer_id":[5]}}'
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var schedulePeriod: SchedulePeriodOption

    @Option(help: ArgumentHelp("Address to listen on. Other than a loopback address, it needs a token (`larder tokens create`) or --insecure-no-auth.",
                               valueName: "host"))
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port: Int = 6566

    @Option(help: ArgumentHelp("Most entity rows one lookup may ask for (1 to \(Self.maxRowsLimit)); a push may carry 100 times as many.", valueName: "n"))
    var maxRows: Int = 1000

    @Option(help: ArgumentHelp("Largest request body in bytes (1 to \(Self.maxBodyLimit)); larger ones are answered 413.", valueName: "bytes"))
    var maxBody: Int = 1 << 20

    @Option(help: ArgumentHelp("Close a connection idle this long (1s to 1d).", valueName: "duration"))
    var idleTimeout: String = "60s"

    @Option(help: ArgumentHelp("Answer 408 and close when a request's body has not arrived this long after its head (1s to 1d).", valueName: "duration"))
    var readTimeout: String = "30s"

    @Option(help: ArgumentHelp("Most connections open at once (1 to \(Self.maxConnectionsLimit)); further ones wait until one closes.", valueName: "n"))
    var maxConnections: Int = 512

    @Option(help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (with --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Flag(help: "Serve a host other machines can reach without any token (anyone who reaches the port can push and materialize).")
    var insecureNoAuth = false

    @Flag(help: "Do not run scheduled materializations beside the API.")
    var noScheduler = false

    @Flag(help: ArgumentHelp(
        "Answer POST /get-online-features through the router instead of on the event loop that reads it.",
        discussion: "Both answer the same; the default event-loop path uses less CPU per lookup. For comparisons and diagnosis."))
    var lookupsThroughRouter = false

    /// Bounds that keep everything derived from the options (push rows = 100 × --max-rows, buffers, timers)
    /// far from overflowing.
    static let maxRowsLimit = 1_000_000
    static let maxBodyLimit = 1 << 30
    static let maxConnectionsLimit = 1_000_000

    func validate() throws {
        _ = try serverConfiguration()
    }

    /// The server's configuration from the options; a `ValidationError` naming the option for each bad value.
    func serverConfiguration() throws -> ServerConfiguration {
        guard !host.isEmpty else { throw ValidationError("--host is empty: give an address such as 127.0.0.1 or 0.0.0.0") }
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port: give 0 to 65535") }
        guard (1...Self.maxRowsLimit).contains(maxRows) else { throw ValidationError("--max-rows \(maxRows) must be 1 to \(Self.maxRowsLimit)") }
        guard (1...Self.maxBodyLimit).contains(maxBody) else { throw ValidationError("--max-body \(maxBody) must be 1 to \(Self.maxBodyLimit) bytes") }
        guard (1...Self.maxConnectionsLimit).contains(maxConnections) else {
            throw ValidationError("--max-connections \(maxConnections) must be 1 to \(Self.maxConnectionsLimit)")
        }
        let tls: ServerConfiguration.TLSFiles?
        switch (tlsCert, tlsKey) {
        case (nil, nil): tls = nil
        case (let cert?, let key?):
            tls = ServerConfiguration.TLSFiles(certificateChain: cert, privateKey: key)
            do { _ = try ServerTLS.configuration(tls!) } catch { throw ValidationError("--tls-cert/--tls-key: \(error)") }
        case (nil, _?): throw ValidationError("--tls-key needs --tls-cert: give both PEM files, or neither for plain HTTP")
        case (_?, nil): throw ValidationError("--tls-cert needs --tls-key: give both PEM files, or neither for plain HTTP")
        }
        return ServerConfiguration(host: host, port: port, maxRows: maxRows, maxBody: maxBody, lookupsOnEventLoop: !lookupsThroughRouter,
                                   idleTimeout: try Self.duration(idleTimeout, option: "--idle-timeout"),
                                   readTimeout: try Self.duration(readTimeout, option: "--read-timeout"),
                                   maxConnections: maxConnections,
                                   requireTokens: !ServerConfiguration.isLoopback(host: host) && !insecureNoAuth, tls: tls)
    }

    /// `30s`, `5m`, `1h`: 1 s to 1 day.
    static func duration(_ text: String, option: String) throws -> Duration {
        guard let span = TimeSpan(parsing: text), span >= .seconds(1), span <= .days(1) else {
            throw ValidationError("\(option) \(text) is not a duration from 1s to 1d: write e.g. 30s, 5m or 1h")
        }
        return .microseconds(span.microseconds)
    }

    func run() async throws {
        let project = Project(options)
        let registry = try project.openRegistry()
        let configuration = try serverConfiguration()
        let tokens = try AccessTokenStore(database: registry.database).active()
        if tokens.isEmpty && configuration.requireTokens {
            throw CLIError("""
                refusing to serve \(host) without authentication: other machines could push and materialize. Create a token first \
                (`larder tokens create NAME --scope read|write|admin`, then clients send Authorization: Bearer TOKEN), serve on a \
                loopback address such as 127.0.0.1, or pass --insecure-no-auth to serve \(host) open
                """)
        }
        let pushBuffer = OfflinePushBuffer(store: try OfflineStore(home: options.homeDirectory, database: registry.database),
                                           jobs: try JobLog(database: registry.database), onEvent: Self.logPushEvent)
        let materializer = try Materializer(repository: project.repository, home: options.homeDirectory,
                                            dataDirectory: options.dataDirectory, online: try project.onlineSink(enabled: true))
        let state = ServerState(registry: registry, client: try project.redisClient(), configuration: configuration,
                                repository: project.repository, pushBuffer: pushBuffer, materializer: materializer)
        try await state.reload()
        let scheme = configuration.tls == nil ? "http" : "https"
        let access = switch (tokens.isEmpty, configuration.requireTokens, ServerConfiguration.isLoopback(host: host)) {
        case (false, _, _): "\(tokens.count) token(s)"
        case (true, true, _): "no token yet: every route but /health and /ready answers 401"
        case (true, false, true): "open: no token exists"
        case (true, false, false): "open to anyone who reaches it: no token exists (--insecure-no-auth)"
        }
        var services: [any Service] = []
        if !noScheduler {
            let scheduler = try ScheduledMaterialization.scheduler(project: project, repository: try project.appliedRepository().0, every: try schedulePeriod.period())
            services.append(SchedulerService(scheduler: scheduler))
        }
        let version = state.version.map(String.init) ?? "none"
        let redis = "\(state.client.url)"  // the password masked
        try await FeatureServer(state: state).application(extraServices: services) { [host] port in
            // Unbuffered: scripts and tests wait for this line (with --port 0, for the port) in a log file.
            FileHandle.standardOutput.write(Data("larder serving on \(scheme)://\(host):\(port) (registry version \(version), Redis \(redis), \(access))\n".utf8))
        }.runService()
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
