extension RegistrySchema {
    /// Migration 1: the tables as Larder created them before `user_version` existed. Every statement is
    /// `IF NOT EXISTS`, so a file from then (user_version 0, some or all tables present) takes it as is.
    static func createInitialTables(_ db: SQLiteConnection) throws {
        // A store written before cleanup was tracked per job may hold orphans no pending row names:
        // the "*" row asks the next cleanup to walk the whole offline tree once.
        let untrackedOrphans = try db.queryFirst("SELECT name FROM sqlite_master WHERE name = 'offline_files'") != nil
            && db.queryFirst("SELECT name FROM sqlite_master WHERE name = 'offline_pending'") == nil
        try db.execute("""
            CREATE TABLE IF NOT EXISTS registry_versions (
                version      INTEGER PRIMARY KEY,
                content_hash TEXT NOT NULL,
                applied_at   INTEGER NOT NULL,
                spec         TEXT NOT NULL,
                changes      TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS jobs (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                trigger      TEXT NOT NULL,
                views        TEXT NOT NULL,
                start        INTEGER NOT NULL,
                end          INTEGER NOT NULL,
                status       TEXT NOT NULL,
                started_at   INTEGER NOT NULL,
                finished_at  INTEGER,
                rows_read    INTEGER NOT NULL DEFAULT 0,
                rows_offline INTEGER NOT NULL DEFAULT 0,
                rows_online  INTEGER NOT NULL DEFAULT 0,
                error        TEXT,
                pid          INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS offline_files (
                view         TEXT NOT NULL,
                day          INTEGER NOT NULL,
                path         TEXT NOT NULL UNIQUE,
                row_count    INTEGER NOT NULL,
                min_event    INTEGER,
                max_event    INTEGER,
                job_id       INTEGER NOT NULL,
                committed_at INTEGER NOT NULL,
                PRIMARY KEY (view, day)
            );
            CREATE TABLE IF NOT EXISTS offline_intervals (
                view         TEXT NOT NULL,
                start        INTEGER NOT NULL,
                end          INTEGER NOT NULL,
                job_id       INTEGER NOT NULL,
                committed_at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS offline_pending (
                job_id       INTEGER NOT NULL,
                view         TEXT NOT NULL,
                day          INTEGER NOT NULL,
                PRIMARY KEY (job_id, view, day)
            );
            CREATE TABLE IF NOT EXISTS watermarks (
                view       TEXT PRIMARY KEY,
                watermark  INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS view_locks (
                view        TEXT PRIMARY KEY,
                pid         INTEGER NOT NULL,
                holder      TEXT NOT NULL,
                acquired_at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS snapshots (
                name  TEXT PRIMARY KEY,
                entry TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS models (
                name TEXT NOT NULL,
                version INTEGER NOT NULL,
                kind TEXT NOT NULL,
                label TEXT NOT NULL,
                snapshot TEXT NOT NULL,
                snapshot_hash TEXT NOT NULL,
                registry_version INTEGER NOT NULL,
                features TEXT NOT NULL,
                options TEXT NOT NULL,
                metrics TEXT NOT NULL,
                baseline TEXT NOT NULL,
                train_rows INTEGER NOT NULL,
                validation_rows INTEGER NOT NULL,
                artifact_sha256 TEXT NOT NULL,
                artifact_path TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                stage TEXT NOT NULL DEFAULT 'none' CHECK (stage IN ('none', 'production', 'archived')),
                PRIMARY KEY (name, version)
            );
            CREATE UNIQUE INDEX IF NOT EXISTS models_one_production ON models(name) WHERE stage = 'production';
            """)
        if untrackedOrphans { try db.execute("INSERT OR IGNORE INTO offline_pending VALUES (0, '*', 0)") }
    }
}
