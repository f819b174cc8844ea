public import Larder
public import LarderRegistry
import Dispatch
import Foundation

/// Trained models in the state directory: one row per version in the `models` table of
/// `<home>/registry.db`, the artifact in `<home>/models/<name>/v<version>.json` (see ``ModelArtifact``
/// for the format), its SHA-256 in the row and checked on every load.
///
/// Versions count 1, 2, 3, ... per name. At most one version per name is in production: a partial
/// unique index enforces it, and ``promote(name:version:)`` moves the stage in one transaction.
///
/// Synchronous methods are for the command line; the `async` overloads run SQLite on the database's
/// queue and file reads on a Dispatch thread, so a server never blocks its event loops on them.
///
/// ```swift
/// let models = try ModelRegistry(home: ".larder", database: registry.database)
/// let v = try models.register(registration)          // v.version == 1 for a new name
/// try models.promote(name: v.name, version: v.version)
/// let artifact = try models.loadArtifact(of: try models.resolve(ModelReference(name: v.name)))
/// ```
public struct ModelRegistry: Sendable {
    public let home: String
    public let database: SQLiteDatabase

    /// The models of `database` (a ``Registry``'s, whose schema has the `models` table).
    public init(home: String, database: SQLiteDatabase) throws {
        self.home = home
        self.database = database
    }

    /// The same, for async code and servers.
    public static func open(home: String, database: SQLiteDatabase) async throws -> ModelRegistry {
        try ModelRegistry(home: home, database: database)
    }

    /// What ``register(_:now:)`` stores: the trained artifact with its lineage and evaluation.
    public struct Registration: Sendable {
        public var name: String
        public var label: String
        public var snapshot: String
        public var snapshotHash: String
        public var registryVersion: Int64
        public var features: [ModelFeature]
        public var artifact: ModelArtifact
        public var evaluation: Evaluation
        public var trainRows: Int
        public var validationRows: Int

        public init(name: String, label: String, snapshot: String, snapshotHash: String, registryVersion: Int64,
                    features: [ModelFeature], artifact: ModelArtifact, evaluation: Evaluation, trainRows: Int, validationRows: Int) {
            self.name = name
            self.label = label
            self.snapshot = snapshot
            self.snapshotHash = snapshotHash
            self.registryVersion = registryVersion
            self.features = features
            self.artifact = artifact
            self.evaluation = evaluation
            self.trainRows = trainRows
            self.validationRows = validationRows
        }
    }

    /// Whether `name` can name a model (and a directory): letters, digits, `_`, `-`, `.`, not leading `.`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
    }

    /// Stores the next version of `registration.name`: the artifact file first (written to a temporary
    /// name, then renamed), then the row, in one transaction; a crash in between leaves an unlisted
    /// file that the next registration of that version replaces.
    public func register(_ registration: Registration, now: Timestamp = .now()) throws -> RegisteredModel {
        guard Self.isValidName(registration.name) else { throw ModelRegistryError.invalidName(registration.name) }
        guard registration.features.map(\.name) == registration.artifact.features else {
            throw ModelRegistryError.lineageMismatch(name: registration.name, lineage: registration.features.map(\.name),
                                                     artifact: registration.artifact.features)
        }
        let bytes = try registration.artifact.serialized()
        let hash = SHA256.hash(bytes).hex
        let (metrics, baseline) = RegisteredModel.metrics(of: registration.evaluation)
        let home = self.home
        return try database.withConnection { db in
            try db.transaction { db in
                let latest = try db.queryFirst("SELECT max(version) FROM models WHERE name = ?", [.text(registration.name)])?[0].int64 ?? 0
                let version = Int(latest) + 1
                let relative = "models/\(registration.name)/v\(version).json"
                let model = RegisteredModel(
                    name: registration.name, version: version, kind: registration.artifact.kind, label: registration.label,
                    snapshot: registration.snapshot, snapshotHash: registration.snapshotHash, registryVersion: registration.registryVersion,
                    features: registration.features, options: registration.artifact.options, metrics: metrics, baseline: baseline,
                    trainRows: registration.trainRows, validationRows: registration.validationRows,
                    artifactSHA256: hash, artifactPath: relative, createdAt: now, stage: .none)
                try Self.writeFile(bytes, to: home + "/" + relative)
                try db.execute("""
                    INSERT INTO models(name, version, kind, label, snapshot, snapshot_hash, registry_version, features, options,
                                       metrics, baseline, train_rows, validation_rows, artifact_sha256, artifact_path, created_at, stage)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'none')
                    """, [.text(model.name), .integer(Int64(version)), .text(model.kind.rawValue), .text(model.label),
                          .text(model.snapshot), .text(model.snapshotHash), .integer(model.registryVersion),
                          .text(try Self.json(model.features)), .text(try Self.json(model.options)),
                          .text(try Self.json(metrics)), .text(try Self.json(baseline)),
                          .integer(Int64(model.trainRows)), .integer(Int64(model.validationRows)),
                          .text(hash), .text(relative), .integer(now.microsecondsSinceEpoch)])
                return model
            }
        }
    }

    /// Makes `name@version` the production version and archives the previous one, in one transaction.
    @discardableResult
    public func promote(name: String, version: Int) throws -> RegisteredModel {
        try database.withConnection { db in
            try db.transaction { db in
                _ = try Self.find(db, ModelReference(name: name, version: version))
                try db.execute("UPDATE models SET stage = 'archived' WHERE name = ? AND stage = 'production' AND version <> ?",
                               [.text(name), .integer(Int64(version))])
                try db.execute("UPDATE models SET stage = 'production' WHERE name = ? AND version = ?", [.text(name), .integer(Int64(version))])
                return try Self.find(db, ModelReference(name: name, version: version))
            }
        }
    }

    /// Every version of every model, by name then version.
    public func list() throws -> [RegisteredModel] {
        try database.withConnection { db in try db.query("SELECT * FROM models ORDER BY name, version").map(Self.decode) }
    }

    /// The versions of one model, oldest first (empty when the name is unknown).
    public func versions(of name: String) throws -> [RegisteredModel] {
        try database.withConnection { db in
            try db.query("SELECT * FROM models WHERE name = ? ORDER BY version", [.text(name)]).map(Self.decode)
        }
    }

    /// The version a reference names: the exact version, or the production one.
    public func resolve(_ reference: ModelReference) throws -> RegisteredModel {
        try database.withConnection { try Self.find($0, reference) }
    }

    /// ``resolve(_:)`` on the database's queue.
    public func resolve(_ reference: ModelReference) async throws -> RegisteredModel {
        try await database.read { try Self.find($0, reference) }
    }

    /// The model's artifact, after checking the file still hashes to the registered SHA-256.
    public func loadArtifact(of model: RegisteredModel) throws -> ModelArtifact {
        try Self.artifact(model, bytes: Self.readFile(home + "/" + model.artifactPath))
    }

    /// ``loadArtifact(of:)`` with the file read and decoded on a Dispatch thread, not the caller's.
    public func loadArtifact(of model: RegisteredModel) async throws -> ModelArtifact {
        let path = home + "/" + model.artifactPath
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.artifact(model, bytes: Self.readFile(path)) })
            }
        }
    }

    // MARK: storage

    static func find(_ db: SQLiteConnection, _ reference: ModelReference) throws -> RegisteredModel {
        let name = reference.name
        if let version = reference.version {
            if let row = try db.queryFirst("SELECT * FROM models WHERE name = ? AND version = ?", [.text(name), .integer(Int64(version))]) {
                return try decode(row)
            }
            let latest = try db.queryFirst("SELECT max(version) FROM models WHERE name = ?", [.text(name)])?[0].int64
            guard let latest else { throw ModelRegistryError.unknownModel(name) }
            throw ModelRegistryError.unknownVersion(name: name, version: version, latest: Int(latest))
        }
        if let row = try db.queryFirst("SELECT * FROM models WHERE name = ? AND stage = 'production'", [.text(name)]) {
            return try decode(row)
        }
        let exists = try db.queryFirst("SELECT 1 FROM models WHERE name = ? LIMIT 1", [.text(name)]) != nil
        throw exists ? ModelRegistryError.noProductionVersion(name) : ModelRegistryError.unknownModel(name)
    }

    static func decode(_ row: SQLiteRow) throws -> RegisteredModel {
        let name = row["name"].string ?? "", version = Int(row["version"].int64 ?? 0)
        func fail(_ detail: String) -> ModelRegistryError { .corruptEntry(name: name, version: version, detail: detail) }
        func text(_ column: String) throws(ModelRegistryError) -> String {
            guard let value = row[column].string else { throw fail("column \(column) is not text") }
            return value
        }
        func integer(_ column: String) throws(ModelRegistryError) -> Int64 {
            guard let value = row[column].int64 else { throw fail("column \(column) is not an integer") }
            return value
        }
        func decoded<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
            do { return try JSONDecoder().decode(type, from: Data(try text(column).utf8)) } catch { throw fail("column \(column): \(error)") }
        }
        guard let kind = ModelArtifact.Kind(rawValue: try text("kind")) else { throw fail("unknown kind \(row["kind"])") }
        guard let stage = RegisteredModel.Stage(rawValue: try text("stage")) else { throw fail("unknown stage \(row["stage"])") }
        return RegisteredModel(
            name: name, version: version, kind: kind, label: try text("label"), snapshot: try text("snapshot"),
            snapshotHash: try text("snapshot_hash"), registryVersion: try integer("registry_version"),
            features: try decoded([ModelFeature].self, "features"), options: try decoded(TrainingOptions.self, "options"),
            metrics: try decoded([String: Double].self, "metrics"), baseline: try decoded([String: Double].self, "baseline"),
            trainRows: Int(try integer("train_rows")), validationRows: Int(try integer("validation_rows")),
            artifactSHA256: try text("artifact_sha256"), artifactPath: try text("artifact_path"),
            createdAt: Timestamp(microsecondsSinceEpoch: try integer("created_at")), stage: stage)
    }

    /// Sorted keys, so the stored text of equal values is equal.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func artifact(_ model: RegisteredModel, bytes: [UInt8]) throws -> ModelArtifact {
        let hash = SHA256.hash(bytes).hex
        guard hash == model.artifactSHA256 else {
            throw ModelRegistryError.artifactModified(path: model.artifactPath, expected: model.artifactSHA256, actual: hash)
        }
        return try ModelArtifact(bytes: bytes)
    }

    static func readFile(_ path: String) throws(ModelRegistryError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .artifactUnreadable(path: path, detail: FileManager.default.fileExists(atPath: path) ? "permission denied" : "the file is missing")
        }
        return [UInt8](data)
    }

    static func writeFile(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let staging = directory + "/.\((path as NSString).lastPathComponent).\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: staging, contents: Data(bytes)) else {
            throw ModelRegistryError.artifactUnreadable(path: staging, detail: "cannot write it (is \(directory) writable?)")
        }
        if rename(staging, path) != 0 {
            try? FileManager.default.removeItem(atPath: staging)
            throw ModelRegistryError.artifactUnreadable(path: path, detail: "cannot move the new artifact into place (errno \(errno))")
        }
    }
}
