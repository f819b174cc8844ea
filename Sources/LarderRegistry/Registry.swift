public import Larder
import Foundation

/// The registry: every applied version of the definitions, kept in `registry.db` (SQLite) in the
/// state directory. Other layers (jobs, watermarks, the offline catalog) keep their tables in the
/// same file so one transaction can span them.
///
/// ```swift
/// let registry = try Registry(home: ".larder")
/// let diff = try registry.plan(RepositorySpec(repository))
/// switch try registry.apply(RepositorySpec(repository), allowBreaking: false) {
/// case .unchanged: print("no changes")
/// case .applied(let version, let diff): print("version \(version.number)\n\(diff.rendered())")
/// }
/// ```
public final class Registry: Sendable {
    public let database: SQLiteDatabase
    public let home: String

    /// The registry file inside a state directory.
    public static func path(home: String) -> String { home + "/registry.db" }

    /// Opens the registry in `home`, creating the directory when missing and bringing the file's tables up to
    /// this build's schema (``RegistrySchema``); a file from a newer Larder throws ``RegistrySchemaError``.
    public init(home: String) throws {
        self.home = home
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        database = try SQLiteDatabase(path: Self.path(home: home))
        try database.withConnection { _ = try RegistrySchema.migrate($0) }
    }

    /// The canonical JSON of a spec: sorted keys, so equal definitions give equal bytes.
    public static func canonicalJSON(_ spec: RepositorySpec) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(spec), as: UTF8.self)
    }

    /// The SHA-256 of the canonical JSON.
    public static func contentHash(_ spec: RepositorySpec) throws -> String {
        SHA256.hash(try canonicalJSON(spec)).hex
    }

    /// The newest version, or `nil` before the first apply.
    public func latest() throws -> RegisteredVersion? {
        try database.withConnection { try Self.latest(in: $0) }
    }

    /// The newest version, read on the database's queue (for async code such as the server).
    public func loadLatest() async throws -> RegisteredVersion? {
        try await database.read { try Self.latest(in: $0) }
    }

    /// The latest version number, read on the database's queue.
    public func loadLatestVersionNumber() async throws -> Int64? {
        try await database.read { try $0.queryFirst("SELECT max(version) FROM registry_versions")?[0].int64 }
    }

    /// A given version.
    public func version(_ number: Int64) throws -> RegisteredVersion? {
        try database.withConnection { db in
            try db.queryFirst("SELECT version, content_hash, applied_at, spec, changes FROM registry_versions WHERE version = ?",
                              [.integer(number)]).map(Self.decode)
        }
    }

    /// Every version, oldest first.
    public func history() throws -> [RegisteredVersion] {
        try database.withConnection { db in
            try db.query("SELECT version, content_hash, applied_at, spec, changes FROM registry_versions ORDER BY version")
                .map(Self.decode)
        }
    }

    /// The diff between the latest version and `spec`. Writes nothing.
    public func plan(_ spec: RepositorySpec) throws -> RegistryDiff {
        RegistryDiff(from: try latest()?.spec, to: spec)
    }

    /// Stores `spec` as a new version unless it equals the latest one. Breaking changes are refused
    /// unless `allowBreaking`. The read of the latest version and the insert share one transaction,
    /// so two concurrent applies cannot both create the same version number.
    public func apply(_ spec: RepositorySpec, allowBreaking: Bool, now: Timestamp = .now()) throws -> ApplyOutcome {
        let json = try Self.canonicalJSON(spec)
        let hash = SHA256.hash(json).hex
        return try database.withConnection { db in
            try db.transaction { db in
                let previous = try Self.latest(in: db)
                if let previous, previous.contentHash == hash { return .unchanged(previous) }
                let diff = RegistryDiff(from: previous?.spec, to: spec)
                if !allowBreaking && !diff.breaking.isEmpty { throw BreakingChangeError(changes: diff.breaking) }
                let number = (previous?.number ?? 0) + 1
                let changes = diff.isEmpty ? "no object changes (formatting only)" : diff.rendered()
                try db.execute("INSERT INTO registry_versions(version, content_hash, applied_at, spec, changes) VALUES (?, ?, ?, ?, ?)",
                               [.integer(number), .text(hash), .integer(now.microsecondsSinceEpoch), .text(json), .text(changes)])
                return .applied(RegisteredVersion(number: number, contentHash: hash, appliedAt: now, spec: spec, changes: changes), diff)
            }
        }
    }

    /// The latest version number, cheaply — lets a server notice a new `apply`.
    public func latestVersionNumber() throws -> Int64? {
        try database.withConnection { try $0.queryFirst("SELECT max(version) FROM registry_versions")?[0].int64 }
    }

    private static func latest(in db: SQLiteConnection) throws -> RegisteredVersion? {
        try db.queryFirst("SELECT version, content_hash, applied_at, spec, changes FROM registry_versions ORDER BY version DESC LIMIT 1")
            .map(decode)
    }

    private static func decode(_ row: SQLiteRow) throws -> RegisteredVersion {
        let json = row[3].string ?? ""
        let spec = try JSONDecoder().decode(RepositorySpec.self, from: Data(json.utf8))
        return RegisteredVersion(number: row[0].int64 ?? 0, contentHash: row[1].string ?? "",
                                 appliedAt: Timestamp(microsecondsSinceEpoch: row[2].int64 ?? 0), spec: spec,
                                 changes: row[4].string ?? "")
    }
}
