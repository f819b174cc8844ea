import Foundation
import Larder
@testable import LarderRegistry
import Testing

@Suite("registry.db schema versions")
struct RegistrySchemaTests {
    /// The tables as `larder` created them on main on 2026-12-05 (before schema versions), verbatim.
    static let schemaBeforeVersions = """
        CREATE TABLE registry_versions (version INTEGER PRIMARY KEY, content_hash TEXT NOT NULL, applied_at INTEGER NOT NULL,
            spec TEXT NOT NULL, changes TEXT NOT NULL);
        CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, trigger TEXT NOT NULL, views TEXT NOT NULL, start INTEGER NOT NULL,
            end INTEGER NOT NULL, status TEXT NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER,
            rows_read INTEGER NOT NULL DEFAULT 0, rows_offline INTEGER NOT NULL DEFAULT 0, rows_online INTEGER NOT NULL DEFAULT 0,
            error TEXT, pid INTEGER NOT NULL);
        CREATE TABLE offline_files (view TEXT NOT NULL, day INTEGER NOT NULL, path TEXT NOT NULL UNIQUE, row_count INTEGER NOT NULL,
            min_event INTEGER, max_event INTEGER, job_id INTEGER NOT NULL, committed_at INTEGER NOT NULL, PRIMARY KEY (view, day));
        CREATE TABLE offline_intervals (view TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, job_id INTEGER NOT NULL,
            committed_at INTEGER NOT NULL);
        CREATE TABLE offline_pending (job_id INTEGER NOT NULL, view TEXT NOT NULL, day INTEGER NOT NULL, PRIMARY KEY (job_id, view, day));
        CREATE TABLE watermarks (view TEXT PRIMARY KEY, watermark INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        CREATE TABLE view_locks (view TEXT PRIMARY KEY, pid INTEGER NOT NULL, holder TEXT NOT NULL, acquired_at INTEGER NOT NULL);
        CREATE TABLE snapshots (name TEXT PRIMARY KEY, entry TEXT NOT NULL);
        CREATE TABLE models (name TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL, snapshot TEXT NOT NULL,
            snapshot_hash TEXT NOT NULL, registry_version INTEGER NOT NULL, features TEXT NOT NULL, options TEXT NOT NULL,
            metrics TEXT NOT NULL, baseline TEXT NOT NULL, train_rows INTEGER NOT NULL, validation_rows INTEGER NOT NULL,
            artifact_sha256 TEXT NOT NULL, artifact_path TEXT NOT NULL, created_at INTEGER NOT NULL,
            stage TEXT NOT NULL DEFAULT 'none' CHECK (stage IN ('none', 'production', 'archived')), PRIMARY KEY (name, version));
        CREATE UNIQUE INDEX models_one_production ON models(name) WHERE stage = 'production';
        """

    static func tables(_ db: SQLiteConnection) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").compactMap { $0[0].string })
    }

    @Test("a new registry.db is created at the current schema version with every table")
    func freshFile() throws {
        try withTemporaryDirectory { home in
            _ = try Registry(home: home)
            let db = try SQLiteConnection(path: Registry.path(home: home))
            #expect(try RegistrySchema.version(of: db) == RegistrySchema.current)
            #expect(RegistrySchema.current >= 1)
            let expected: Set<String> = ["registry_versions", "jobs", "offline_files", "offline_intervals", "offline_pending",
                                         "offline_retired", "watermarks", "view_locks", "snapshots", "models", "access_tokens"]
            #expect(try Self.tables(db).isSuperset(of: expected))
        }
    }

    @Test("a registry.db from before schema versions is migrated and keeps every row")
    func migratesTheSchemaOnMain() throws {
        try withTemporaryDirectory { home in
            let spec = RidesVariant().spec
            let json = try Registry.canonicalJSON(spec)
            do {
                let old = try SQLiteConnection(path: Registry.path(home: home))
                try old.execute(Self.schemaBeforeVersions)
                try old.execute("INSERT INTO registry_versions VALUES (1, ?, 1767225600000000, ?, 'initial')",
                                [.text(try Registry.contentHash(spec)), .text(json)])
                try old.execute("INSERT INTO jobs(trigger, views, start, end, status, started_at, finished_at, rows_read, rows_offline, pid) VALUES ('manual', 'driver_stats', 0, 10, 'succeeded', 5, 6, 42, 42, 1)")
                try old.execute("INSERT INTO offline_files VALUES ('driver_stats', 0, 'offline/driver_stats/date=1970-01-01/part-j1.parquet', 42, 0, 9, 1, 6)")
                try old.execute("INSERT INTO watermarks VALUES ('driver_stats', 10, 6)")
                #expect(try RegistrySchema.version(of: old) == 0)
            }
            let registry = try Registry(home: home)
            #expect(try registry.latest()?.spec == spec)
            #expect(try registry.latest()?.changes == "initial")
            let job = try JobLog(database: registry.database).job(1)
            #expect(job?.rowsRead == 42)
            #expect(job?.status == .succeeded)
            let db = try SQLiteConnection(path: Registry.path(home: home))
            #expect(try RegistrySchema.version(of: db) == RegistrySchema.current)
            #expect(try db.queryFirst("SELECT path FROM offline_files WHERE view = 'driver_stats'")?[0].string
                    == "offline/driver_stats/date=1970-01-01/part-j1.parquet")
            #expect(try db.queryFirst("SELECT watermark FROM watermarks WHERE view = 'driver_stats'")?[0].int64 == 10)
            // Migration 2: the existing file is source-derived, and a day may now hold several files.
            #expect(try db.queryFirst("SELECT kind, row_count, min_event, max_event, job_id, committed_at FROM offline_files")?.values
                    == [.text("source"), .integer(42), .integer(0), .integer(9), .integer(1), .integer(6)])
            try db.execute("INSERT INTO offline_files(view, day, path, row_count, job_id, committed_at, kind) VALUES ('driver_stats', 0, 'p2', 1, 2, 7, 'push')")
            #expect(try db.queryFirst("SELECT count(*) FROM offline_retired")?[0].int64 == 0)
            // Migration 3: no created watermark yet, no late rows counted for old jobs.
            #expect(try db.queryFirst("SELECT created_watermark FROM watermarks WHERE view = 'driver_stats'")?[0] == .null)
            #expect(job?.rowsLate == 0)
            #expect(job?.note == nil)
            // Migration 4: access_tokens is there, empty.
            #expect(try db.queryFirst("SELECT count(*) FROM access_tokens")?[0].int64 == 0)
            // Opening again applies nothing.
            #expect(try RegistrySchema.migrate(db).isEmpty)
            // offline_pending existed already, so no whole-tree cleanup walk is asked for.
            #expect(try db.queryFirst("SELECT count(*) FROM offline_pending")?[0].int64 == 0)
        }
    }

    @Test("a registry.db written by a newer larder is refused, naming both versions, and left unchanged")
    func newerFileRefused() throws {
        try withTemporaryDirectory { home in
            _ = try Registry(home: home)
            let newer = RegistrySchema.current + 3
            do {
                let db = try SQLiteConnection(path: Registry.path(home: home))
                try db.execute("PRAGMA user_version = \(newer)")
            }
            #expect {
                _ = try Registry(home: home)
            } throws: { error in
                guard let error = error as? RegistrySchemaError else { return false }
                return error.found == newer && error.supported == RegistrySchema.current
                    && error.description.contains("version \(newer)") && error.description.contains("up to \(RegistrySchema.current)")
            }
            let db = try SQLiteConnection(path: Registry.path(home: home))
            #expect(try RegistrySchema.version(of: db) == newer)
        }
    }

    @Test("migrations are numbered 1, 2, 3, … without gaps")
    func migrationOrder() {
        #expect(RegistrySchema.migrations.map(\.version) == Array(1...RegistrySchema.current))
    }

    @Test("two connections migrating one file: the second finds nothing to do")
    func secondOpenerMigratesNothing() throws {
        try withTemporaryDirectory { home in
            let path = home + "/registry.db"
            let first = try SQLiteConnection(path: path)
            let second = try SQLiteConnection(path: path)
            #expect(try RegistrySchema.migrate(first) == Array(1...RegistrySchema.current))
            #expect(try RegistrySchema.migrate(second).isEmpty)
            #expect(try RegistrySchema.version(of: second) == RegistrySchema.current)
        }
    }

    /// Every stored property of the registered spec types. When this list changes, an older larder would
    /// decode a newer registry's spec and drop the new field: add a ``RegistrySchema`` migration (even one
    /// with no SQL) so the older one refuses the file, then update the list and the version beside it.
    static let specProperties: (schema: Int32, names: [String]) = (7, [
        "AggregationSpec.column", "AggregationSpec.hopMicroseconds", "AggregationSpec.k", "AggregationSpec.name", "AggregationSpec.operation",
        "AggregationSpec.windowMicroseconds",
        // Migration 6 (not in any release before these fields) registers aggregation views with their schedule.
        "AggregationViewSpec.aggregations", "AggregationViewSpec.allowedLatenessMicroseconds", "AggregationViewSpec.description",
        "AggregationViewSpec.entities", "AggregationViewSpec.events", "AggregationViewSpec.name", "AggregationViewSpec.owner",
        "AggregationViewSpec.schedule", "AggregationViewSpec.source", "AggregationViewSpec.tags", "AggregationViewSpec.transform",
        "EntitySpec.description", "EntitySpec.joinKey", "EntitySpec.keyType", "EntitySpec.name", "EntitySpec.owner", "EntitySpec.tags",
        // Migration 7 registers views' data quality expectations.
        "ExpectationSpec.field", "ExpectationSpec.integers", "ExpectationSpec.kind", "ExpectationSpec.max", "ExpectationSpec.min",
        "ExpectationSpec.severity", "ExpectationSpec.stalenessMicroseconds", "ExpectationSpec.strings",
        "FeatureReference.feature", "FeatureReference.view",
        "FieldSpec.description", "FieldSpec.name", "FieldSpec.nullable", "FieldSpec.type",
        "OnDemandViewSpec.description", "OnDemandViewSpec.name", "OnDemandViewSpec.outputs", "OnDemandViewSpec.owner",
        "OnDemandViewSpec.requestFields", "OnDemandViewSpec.sources", "OnDemandViewSpec.tags", "OnDemandViewSpec.transform",
        "RepositorySpec.aggregationViews", "RepositorySpec.entities", "RepositorySpec.onDemandViews", "RepositorySpec.project", "RepositorySpec.services", "RepositorySpec.sources",
        "RepositorySpec.views",
        "RequestFieldSpec.description", "RequestFieldSpec.name", "RequestFieldSpec.type",
        "ServiceSpec.description", "ServiceSpec.features", "ServiceSpec.name", "ServiceSpec.owner", "ServiceSpec.tags",
        "SourceSpec.createdTimestampColumn", "SourceSpec.description", "SourceSpec.eventTimestampColumn", "SourceSpec.kind",
        "SourceSpec.name", "SourceSpec.path", "SourceSpec.table",
        "ViewSpec.description", "ViewSpec.entities", "ViewSpec.expectations", "ViewSpec.fields", "ViewSpec.lookbackMicroseconds", "ViewSpec.name",
        "ViewSpec.offline", "ViewSpec.online", "ViewSpec.owner", "ViewSpec.schedule", "ViewSpec.source", "ViewSpec.tags",
        "ViewSpec.transform", "ViewSpec.ttlMicroseconds",
    ])

    @Test("a new field in the registered spec comes with a schema version")
    func specFieldsNeedASchemaVersion() {
        let spec = RidesVariant().spec
        let onDemand = OnDemandViewSpec(OnDemandView("v", version: 1, request: [RequestField("r", .float64)], sources: [],
                                                     outputs: [Field("o", .float64)]) { _ in })
        let aggregation = AggregationViewSpec(AggregationVariant().view)
        let expectation = ExpectationSpec(.notNull("conv_rate"))
        let samples: [Any] = [spec, spec.entities[0], spec.sources[0], spec.views[0], spec.views[0].fields[0], spec.services[0],
                              spec.services[0].features[0], onDemand, onDemand.requestFields[0], aggregation, aggregation.aggregations[0],
                              expectation]
        let names = samples.flatMap { sample in
            Mirror(reflecting: sample).children.compactMap { $0.label.map { "\(type(of: sample)).\($0)" } }
        }.sorted()
        #expect(names == Self.specProperties.names,
                "RepositorySpec's fields changed: add a RegistrySchema migration, then update specProperties")
        #expect(Self.specProperties.schema == RegistrySchema.current,
                "a schema version was added: check specProperties still lists every spec field and set its version")
    }
}
