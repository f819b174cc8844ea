import ArgumentParser
import Foundation
import Larder
import LarderOnline
import LarderRegistry
import LarderServer

/// `larder lookup`: an online lookup from the terminal.
struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Look up online feature values for one entity row, as /get-online-features would.",
        discussion: """
            Examples:
              larder lookup --service rides --entity driver_id=1001 --entity customer_id=5
              larder lookup --features driver_stats:conv_rate --entity driver_id=1001 --json
              larder lookup --service rides_plus --entity driver_id=1001 --entity customer_id=5 --entity distance_km=3.2
              larder lookup --features trip_request:balance_after_fare --entity customer_id=5 --request distance_km=3.2

            On-demand views' request fields are given as --entity field=value, as Feast takes them in
            "entities", or as --request field=value, as in "request_context".
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "A feature service.")
    var service: String?

    @Option(help: "Comma-separated view:feature references.")
    var features: String?

    @Option(name: .customLong("entity"), help: "A join key and its value, key=value (repeatable).")
    var entities: [String] = []

    @Option(name: .customLong("request"), help: "A request field of an on-demand view and its value, field=value (repeatable).")
    var requestValues: [String] = []

    @Flag(help: "Print the Feast-shaped JSON response.")
    var json = false

    @Flag(help: "Name features view__feature.")
    var fullNames = false

    func validate() throws {
        if (service == nil) == (features == nil) { throw ValidationError("give exactly one of --service or --features") }
        if entities.isEmpty { throw ValidationError("give at least one --entity key=value") }
    }

    func run() async throws {
        let project = Project(options)
        let version = try project.registered()
        let client = try project.redisClient()
        defer { client.shutdown() }
        let lookup = OnlineLookup(spec: version.spec, store: RedisOnlineStore(client: client), onDemandViews: project.repository.onDemandViews)
        let columns = try EntityArguments.columns(entities, spec: version.spec)
        let query = OnlineLookup.Query(
            features: service.map { .service($0) } ?? .references((features ?? "").split(separator: ",").map(String.init)),
            entities: columns, fullFeatureNames: fullNames,
            requestContext: try EntityArguments.columns(requestValues, option: "--request", spec: version.spec))
        let result: OnlineLookup.Result
        do {
            result = try await lookup.run(query, now: .now())
        } catch let error as LookupError {
            throw CLIError(error.message)
        } catch let error as OnDemandError {
            throw CLIError(error.description)
        }
        if json {
            print(String(decoding: OnlineFeaturesResponse.json(result), as: UTF8.self))
            return
        }
        var table = TextTable("FEATURE", "VALUE", "STATUS", "EVENT TIME")
        for (name, column) in zip(result.featureNames, result.columns) {
            table.add(name, column.values[0].description, column.statuses[0].rawValue,
                      column.eventTimes[0].map { $0.iso8601(fractionalDigits: 0) } ?? "-")
        }
        print(table.rendered())
    }
}
