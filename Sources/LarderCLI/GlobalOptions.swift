import ArgumentParser
import Foundation

/// Options every command takes: where state, data and Redis are.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("State directory: registry, catalog, offline store. Env LARDER_HOME.", valueName: "dir"))
    var home: String?

    @Option(name: .long, help: ArgumentHelp("Directory relative source paths resolve in. Env LARDER_DATA.", valueName: "dir"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("Redis URL, redis://[:password@]host:port[/db] or unix:///path. Env LARDER_REDIS_URL.", valueName: "url"))
    var redis: String?

    private static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    var homeDirectory: String { home ?? Self.environment("LARDER_HOME") ?? ".larder" }
    var dataDirectory: String { data ?? Self.environment("LARDER_DATA") ?? "data" }
    var redisURL: String { redis ?? Self.environment("LARDER_REDIS_URL") ?? "redis://127.0.0.1:6379" }
}
