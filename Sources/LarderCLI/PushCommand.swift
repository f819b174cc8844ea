import ArgumentParser
import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderOnline
import LarderQuality
import LarderRegistry
import LarderServer
import LarderSources

/// `larder push VIEW FILE`: push rows to the stores, as `POST /push` does.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push rows from a CSV or Parquet file into a view's online and/or offline store.",
        discussion: """
            The file holds the view's source columns (join keys, event_timestamp, created, features). Rows
            go through the view's transform and type checks; online writes never replace a newer value;
            offline rows are committed as push parts of their days (stored rows are kept, and no later
            materialization removes them) before the command returns. A file that fails validation writes
            nothing. Events for aggregation views (name one, or their event source) update each entity's tiles
            atomically and are recognised when pushed again, so a retried push counts nothing twice; events
            older than the view's allowed lateness are stored offline and counted by the next batch run.

            Examples:
              larder push driver_stats new_rows.csv
              larder push driver_stats late.parquet --to online_and_offline
              larder push trips new_trips.parquet
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The view (or its source's name).")
    var view: String

    @Argument(help: "A .csv or .parquet file.")
    var file: String

    @Option(help: "online, offline or online_and_offline.")
    var to: String = "online_and_offline"

    @OptionGroup var decoding: DecodingOptions

    func run() async throws {
        guard let destination = PushIngestion.Destination(rawValue: to) else {
            throw ValidationError("--to must be online, offline or online_and_offline")
        }
        let project = Project(options)
        let (repository, _) = try project.appliedRepository()
        let registry = try project.openRegistry()
        let store = try OfflineStore(home: options.homeDirectory, database: registry.database)
        let buffer = OfflinePushBuffer(store: store, jobs: try JobLog(database: registry.database))
        let client = try project.redisClient()
        defer { client.shutdown() }
        let ingestion = PushIngestion(repository: repository, store: RedisOnlineStore(client: client), offline: buffer,
                                      quality: QualityLog(database: registry.database))
        let aggregations = ingestion.aggregationViews(named: view)
        let target: FeatureView
        if let first = aggregations.first {
            target = first.eventsView
        } else {
            do { target = try ingestion.view(named: view) } catch { throw CLIError(error.message) }
        }
        let path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let location: Source.Location = path.lowercased().hasSuffix(".csv") ? .csv(path: path) : .parquet(path: path)
        let source = Source(target.source.name, location: location, eventTimestamp: target.source.eventTimestampColumn,
                            created: target.source.createdTimestampColumn)
        let reader = SourceReader(dataDirectory: options.dataDirectory, maxDecodedBytes: decoding.maxDecodedBytes.bytes)
        let rows = try reader.read(source, types: ViewRowBuilder.sourceColumns(of: target).types)
        let count: Int
        do {
            if !aggregations.isEmpty {
                let pushed = try await ingestion.pushEvents(views: aggregations, batch: rows.batch, to: destination)
                print("pushed \(rows.batch.rowCount) events of \(file) to \(pushed.views.joined(separator: ", ")) (\(destination.rawValue)), counted per view: \(pushed.online.applied) applied to tiles, \(pushed.online.duplicates) already applied before, \(pushed.online.late) late (counted by the next batch run)")
                return
            }
            count = try await ingestion.push(view: target, batch: rows.batch, to: destination)
        } catch let error as APIError {
            throw CLIError(error.message)
        } catch let error as OfflinePushError {
            throw CLIError(error.description)
        }
        print("pushed \(count) rows of \(file) to \(target.name) (\(destination.rawValue))")
    }
}
