extension RegistrySchema {
    /// Migration 2: several live files per (view, day). `offline_files` loses its `(view, day)` primary key and
    /// gains `kind` — `source` (source-derived: replaced by a materialization of their interval) or `push`
    /// (pushed rows: never touched by a materialization) — and files superseded by a commit are recorded in
    /// `offline_retired` by that commit, to be deleted by a later cleanup once no reader can still be opening
    /// them. Every existing file is source-derived (pushes used to be merged into the day's file).
    static func addOfflineFileKinds(_ db: SQLiteConnection) throws {
        // Idempotent, like migration 1: a file whose user_version was reset keeps what it has.
        if try !columns(of: "offline_files", in: db).contains("kind") { try rebuildOfflineFiles(db) }
        try db.execute("""
            CREATE INDEX IF NOT EXISTS offline_files_by_day ON offline_files (view, day, kind);
            CREATE TABLE IF NOT EXISTS offline_retired (
                path       TEXT PRIMARY KEY,
                view       TEXT NOT NULL,
                retired_at INTEGER NOT NULL,
                job_id     INTEGER NOT NULL
            );
            """)
    }

    /// `offline_files` without its `(view, day)` primary key and with `kind`, every row carried over.
    private static func rebuildOfflineFiles(_ db: SQLiteConnection) throws {
        try db.execute("""
            DROP TABLE IF EXISTS offline_files_parts;
            CREATE TABLE offline_files_parts (
                view         TEXT NOT NULL,
                day          INTEGER NOT NULL,
                path         TEXT NOT NULL UNIQUE,
                row_count    INTEGER NOT NULL,
                min_event    INTEGER,
                max_event    INTEGER,
                job_id       INTEGER NOT NULL,
                committed_at INTEGER NOT NULL,
                kind         TEXT NOT NULL DEFAULT 'source' CHECK (kind IN ('source', 'push'))
            );
            INSERT INTO offline_files_parts (view, day, path, row_count, min_event, max_event, job_id, committed_at, kind)
                SELECT view, day, path, row_count, min_event, max_event, job_id, committed_at, 'source' FROM offline_files;
            DROP TABLE offline_files;
            ALTER TABLE offline_files_parts RENAME TO offline_files;
            """)
    }

    /// The column names of a table.
    static func columns(of table: String, in db: SQLiteConnection) throws -> Set<String> {
        Set(try db.query("SELECT name FROM pragma_table_info(?)", [.text(table)]).compactMap { $0[0].string })
    }
}
