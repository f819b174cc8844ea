import Definitions
import Foundation
import Larder
import LarderRegistry
import LarderSources
import LarderOffline
import LarderOnline

/// The compiled definitions and the state directory a command works on.
struct Project {
    let options: GlobalOptions
    let repository: FeatureRepository

    init(_ options: GlobalOptions, repository: FeatureRepository = Definitions.repository) {
        self.options = options
        self.repository = repository
    }

    func openRegistry() throws -> Registry { try Registry(home: options.homeDirectory) }

    /// The registry when one exists; `nil` before the first apply, so read-only commands create nothing.
    func existingRegistry() throws -> Registry? {
        FileManager.default.fileExists(atPath: Registry.path(home: options.homeDirectory)) ? try openRegistry() : nil
    }

    /// The latest registered version, or an error telling the user to apply first.
    func registered() throws -> RegisteredVersion {
        guard let version = try existingRegistry()?.latest() else {
            throw CLIError("nothing is registered in \(options.homeDirectory) yet: run `larder apply` first")
        }
        return version
    }

    /// Validates the compiled definitions against the sources' actual columns.
    func validatedSpec() throws -> RepositorySpec {
        let reader = SourceColumnsReader(dataDirectory: options.dataDirectory)
        let issues = DefinitionValidator(sourceColumns: { try reader.columns(of: $0) }).validate(repository)
        if !issues.isEmpty { throw DefinitionValidationError(issues: issues) }
        return RepositorySpec(repository)
    }

    /// Warnings `plan` and `apply` print: scheduled views whose late rows would be missed.
    func printLateDataWarnings() {
        for warning in DefinitionValidator.lateDataWarnings(repository) { print("warning: \(warning)") }
    }

    /// The compiled definitions, checked to be the registered ones: materializing or serving
    /// definitions that were never applied would store data the registry cannot describe.
    func appliedRepository() throws -> (FeatureRepository, RegisteredVersion) {
        let version = try registered()
        let compiled = try Registry.contentHash(RepositorySpec(repository))
        guard compiled == version.contentHash else {
            throw CLIError("the compiled definitions differ from registry version \(version.number): run `larder plan` to see how, then `larder apply`")
        }
        return (repository, version)
    }

    /// The views named on the command line (all when none), an aggregation view as the feature view of its
    /// events (``AggregationView/eventsView``), or an error listing the known ones.
    func views(named names: [String]) throws -> [FeatureView] {
        let all = repository.materializedViews
        if names.isEmpty { return all }
        return try names.map { name in
            guard let view = all.first(where: { $0.name == name }) else {
                throw CLIError("no view named \(name); views: \(all.map(\.name).joined(separator: ", "))")
            }
            return view
        }
    }
}

extension Project {
    /// The Redis client for `--redis` / `LARDER_REDIS_URL`.
    func redisClient() throws -> RedisClient {
        let url: RedisURL
        // The error masks the password: the raw URL never reaches a message.
        do { url = try RedisURL(parsing: options.redisURL) } catch { throw CLIError("bad --redis / LARDER_REDIS_URL: \(error)") }
        return RedisClient(url: url)
    }

    /// The online store to materialize into, or `nil` with --offline-only.
    func onlineSink(enabled: Bool) throws -> (any OnlineSink)? {
        guard enabled else { return nil }
        return OnlineMaterializationSink(store: RedisOnlineStore(client: try redisClient()), project: repository.project)
    }
}
