import ArgumentParser
import Foundation
import Larder
import LarderCSV
import LarderColumnar
import LarderOffline
import LarderParquet
import LarderRegistry

/// `larder training-set`: a point-in-time-correct training set from the offline store.
struct TrainingSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training-set",
        abstract: "Join entity rows with feature values as of each row's time, without leakage.",
        discussion: """
            For each entity row at time T and each view: the stored row with the same keys whose event time
            is the latest at or before T and not older than T - ttl (both ends inclusive), ties broken by
            the latest `created`; none gives null. Every entity row comes out, in input order. Other entity
            columns (labels) pass through. Output is Parquet or CSV by the extension of --out.

            Features of on-demand views are computed from each row's joined features and its request
            fields, read from the entity file's columns of the same names (e.g. distance_km).

            Features of aggregation views (window aggregates, e.g. driver_trips:trips_1h) count the events
            with floor_hop(T - window) <= event time < T, read from the offline store once `larder
            materialize` has stored the view's events, else from its source.

            Examples:
              larder training-set --entities data/orders.parquet --service rides --out train.parquet
              larder training-set --entities orders.csv --features driver_stats:conv_rate,customer_stats:current_balance \\
                  --out train.csv --full-names
              larder training-set --entities data/orders.parquet --service rides --out train.parquet --save rides_v1
              larder training-set --entities data/orders.parquet --service rides_windows --out train-windows.parquet
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Entity rows: a CSV or Parquet file with the join keys and event_timestamp.")
    var entities: String

    @Option(help: "A feature service whose features to join.")
    var service: String?

    @Option(help: "Comma-separated view:feature references.")
    var features: String?

    @Option(help: "Output file (.parquet or .csv).")
    var out: String

    @Flag(help: "Name every feature column view__feature.")
    var fullNames = false

    @Option(help: "Also save the result as an immutable snapshot with this name.")
    var save: String?

    @OptionGroup var decoding: DecodingOptions

    func validate() throws {
        if (service == nil) == (features == nil) { throw ValidationError("give exactly one of --service or --features") }
        let lower = out.lowercased()
        if !lower.hasSuffix(".parquet") && !lower.hasSuffix(".csv") { throw ValidationError("--out must end in .parquet or .csv") }
    }

    func run() throws {
        let started = Date()
        let project = Project(options)
        let (repository, version) = try project.appliedRepository()
        let references = try resolveFeatures(version.spec)
        let registry = try project.openRegistry()
        let store = try OfflineStore(home: options.homeDirectory, database: registry.database)
        var keyTypes: [String: ValueType] = [:]
        for entity in repository.entities { keyTypes[entity.joinKey] = entity.keyType }
        let entityRows = try EntityRowsReader.read(entities, keyTypes: keyTypes, maxDecodedBytes: decoding.maxDecodedBytes.bytes)
        let result = try TrainingSetBuilder(repository: repository, store: store, dataDirectory: options.dataDirectory)
            .build(entities: entityRows, features: references, fullNames: fullNames, entityFile: entities)
        var written = false
        if let save {
            let snapshots = try SnapshotStore(home: options.homeDirectory, database: registry.database)
            let lineage = SnapshotStore.Lineage(registryVersion: version.number, features: references.map(\.description),
                                                intervals: result.intervals, entityFile: entities)
            let snapshot: SnapshotStore.Snapshot
            switch try snapshots.save(name: save, batch: result.batch, lineage: lineage) {
            case .saved(let s):
                snapshot = s
                print("saved snapshot \(s.name) (\(s.contentHash.prefix(12)), \(s.rowCount) rows, registry version \(s.registryVersion))")
            case .identical(let s):
                snapshot = s
                print("snapshot \(s.name) already holds exactly this content (\(s.contentHash.prefix(12)))")
            }
            // A Parquet --out gets the snapshot's bytes: copying is far cheaper than encoding the batch again.
            if !TrainingSetFile.isCSV(out) {
                try TrainingSetFile.copy(options.homeDirectory + "/" + snapshot.path, to: out)
                written = true
            }
        }
        if !written { try TrainingSetFile.write(result.batch, to: out) }
        print("wrote \(out): \(result.batch.rowCount) rows, columns \(result.batch.schema.names.joined(separator: ", "))")
        print(String(format: "in %.2f s", Date().timeIntervalSince(started)))
    }

    private func resolveFeatures(_ spec: RepositorySpec) throws -> [FeatureReference] {
        if let service {
            guard let s = spec.service(service) else {
                throw CLIError("no feature service named \(service); services: \(spec.services.map(\.name).joined(separator: ", "))")
            }
            return s.features
        }
        return try (features ?? "").split(separator: ",").map { text in
            guard let reference = FeatureReference(parsing: text.trimmingCharacters(in: .whitespaces)) else {
                throw CLIError("\"\(text)\" is not a view:feature reference, e.g. driver_stats:conv_rate")
            }
            return reference
        }
    }
}

/// Writes a training set as Parquet or CSV, by extension, atomically.
enum TrainingSetFile {
    static func isCSV(_ path: String) -> Bool { path.lowercased().hasSuffix(".csv") }

    static func write(_ batch: ColumnBatch, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        if isCSV(path) {
            try CSVWriter().write(batch, to: path)
        } else {
            try ParquetFile.write(batch, to: path)
        }
    }
}

extension TrainingSetFile {
    /// Copies `source` to `path` through a temporary file beside it, so `path` is never half written.
    static func copy(_ source: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let staging = path + ".larder-tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.copyItem(atPath: source, toPath: staging)
        guard rename(staging, path) == 0 else {
            try? FileManager.default.removeItem(atPath: staging)
            throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
