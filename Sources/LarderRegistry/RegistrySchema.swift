/// The schema of `registry.db` — every layer's tables, since one file (and one transaction) holds the
/// registry, the offline catalog, jobs, watermarks, locks, snapshots, models and API tokens — as ordered migrations.
///
/// `PRAGMA user_version` records the last migration applied. Opening a file runs the missing ones, each
/// in its own `BEGIN IMMEDIATE` transaction together with the `user_version` it reaches, so a crash or
/// a second process never leaves a half-migrated file. A file whose version is above ``current`` was
/// written by a newer Larder: it is refused with ``RegistrySchemaError`` instead of being read by code
/// that would silently drop what it does not know.
///
/// Add a migration (never edit a released one) when a table or column changes, and also when
/// ``RepositorySpec`` gains a field: an older Larder would decode a newer spec and drop that field.
///
/// ```swift
/// try RegistrySchema.migrate(connection)   // on every open; a no-op once up to date
/// ```
package enum RegistrySchema {
    /// One step of the schema, applied inside the transaction that sets `user_version` to `version`.
    package struct Migration: Sendable {
        package var version: Int32
        package var summary: String
        package var apply: @Sendable (SQLiteConnection) throws -> Void
    }

    /// Every migration, in order; versions count 1, 2, 3, …
    package static let migrations: [Migration] = [
        Migration(version: 1, summary: "the tables of Larder before schema versions (2026-11-22)", apply: createInitialTables),
        Migration(version: 2, summary: "offline_files: several files per view and day, with a kind (source, push); offline_retired",
                  apply: addOfflineFileKinds),
        Migration(version: 3, summary: "late data: watermarks.created_watermark, jobs.rows_late and jobs.note", apply: addLateData),
        Migration(version: 4, summary: "access_tokens: salted hashes of the API's bearer tokens", apply: createAccessTokens),
        Migration(version: 5, summary: "the registered spec's onDemandViews (no table changes)", apply: addOnDemandViews),
        Migration(version: 6, summary: "the registered spec's aggregationViews (no table changes)", apply: addAggregationViews),
        Migration(version: 7, summary: "quality_results (data quality expectations per job) and the view spec's expectations",
                  apply: addQualityResults),
    ]

    /// The schema version this build writes and reads.
    package static var current: Int32 { migrations.last?.version ?? 0 }

    /// The file's `user_version`.
    package static func version(of db: SQLiteConnection) throws -> Int32 {
        Int32(truncatingIfNeeded: try db.queryFirst("PRAGMA user_version")?[0].int64 ?? 0)
    }

    /// Applies the migrations the file lacks; throws ``RegistrySchemaError`` for a file from a newer Larder.
    /// Returns the versions it applied.
    @discardableResult
    package static func migrate(_ db: SQLiteConnection, upTo target: Int32 = current) throws -> [Int32] {
        let found = try version(of: db)
        if found > current { throw RegistrySchemaError(path: db.path, found: found, supported: current) }
        guard found < target else { return [] }
        var applied: [Int32] = []
        for migration in migrations where migration.version <= target {
            // Re-read inside the transaction: another process may have migrated since.
            let done = try db.transaction { db -> Bool in
                let now = try version(of: db)
                if now > current { throw RegistrySchemaError(path: db.path, found: now, supported: current) }
                guard now < migration.version else { return false }
                try migration.apply(db)
                try db.execute("PRAGMA user_version = \(migration.version)")
                return true
            }
            if done { applied.append(migration.version) }
        }
        return applied
    }
}

/// `registry.db` was written by a newer Larder than this one.
public struct RegistrySchemaError: Error, Sendable, CustomStringConvertible {
    public var path: String
    /// The file's schema version.
    public var found: Int32
    /// The newest schema version this Larder knows.
    public var supported: Int32

    public var description: String {
        "\(path) has registry schema version \(found), but this larder knows versions up to \(supported): it was written by a newer "
            + "larder. Use that larder (or a newer one) with this state directory; nothing was read or changed"
    }
}
