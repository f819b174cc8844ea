import Foundation
import LarderRegistry
import LarderTraining

/// The models `POST /predict` serves, loaded once per (state directory, name, version) and kept:
/// a registered version's artifact never changes (its SHA-256 is checked when it is loaded), so only
/// "which version is production" can go stale, and that answer is re-read after `refresh`.
///
/// Loading runs SQLite on the registry database's queue and the artifact file read on a Dispatch
/// thread (``ModelRegistry``'s async methods), never on an event loop.
///
/// ```swift
/// let (model, artifact) = try await PredictionModels.shared.model(ModelReference(name: "trip_completed"),
///                                                                 home: home, database: db, refresh: .seconds(2))
/// ```
final class PredictionModels: @unchecked Sendable {
    /// Shared by every server in the process; entries are keyed by state directory, so servers over
    /// different directories (tests) never see each other's models.
    static let shared = PredictionModels()

    private struct Key: Hashable {
        var home: String
        var name: String
        var version: Int
    }

    // Guarded by `lock`; the dictionaries only grow by whole immutable values.
    private let lock = NSLock()
    private var registries: [String: ModelRegistry] = [:]
    private var loaded: [Key: (model: RegisteredModel, artifact: ModelArtifact)] = [:]
    private var production: [String: (version: Int, checked: ContinuousClock.Instant)] = [:]

    /// The model a reference names and its artifact.
    /// - Parameter refresh: how long a production version, once resolved, is served before asking
    ///   the registry again (a promotion reaches the server within this time).
    func model(_ reference: ModelReference, home: String, database: SQLiteDatabase,
               refresh: Duration) async throws -> (RegisteredModel, ModelArtifact) {
        let now = ContinuousClock.now
        let productionKey = home + "\u{0}" + reference.name
        let version: Int? = reference.version ?? lock.withLock {
            production[productionKey].flatMap { now - $0.checked < refresh ? $0.version : nil }
        }
        if let version, let hit = lock.withLock({ loaded[Key(home: home, name: reference.name, version: version)] }) {
            return hit
        }
        let registry = try await self.registry(home: home, database: database)
        let model = try await registry.resolve(ModelReference(name: reference.name, version: version))
        if reference.version == nil {
            lock.withLock { production[productionKey] = (model.version, now) }
        }
        let key = Key(home: home, name: model.name, version: model.version)
        if let hit = lock.withLock({ loaded[key] }) { return hit }
        let artifact = try await registry.loadArtifact(of: model)
        lock.withLock { loaded[key] = (model, artifact) }
        return (model, artifact)
    }

    private func registry(home: String, database: SQLiteDatabase) async throws -> ModelRegistry {
        if let registry = lock.withLock({ registries[home] }) { return registry }
        let registry = try await ModelRegistry.open(home: home, database: database)
        lock.withLock { registries[home] = registry }
        return registry
    }
}
