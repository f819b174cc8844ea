extension RegistrySchema {
    /// Migration 7, quality results: `quality_results` holds one row per expectation checked per view and job (a
    /// materialization's job id; for a push, the id of the push job that recorded it) — severity, status, rows
    /// checked and failing, what was observed and up to 5 examples (JSON text) — and the registered spec's views
    /// gain `expectations` (``ExpectationSpec``), which an older larder would drop.
    static func addQualityResults(_ db: SQLiteConnection) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS quality_results (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                job_id       INTEGER NOT NULL,
                view         TEXT NOT NULL,
                expectation  TEXT NOT NULL,
                severity     TEXT NOT NULL CHECK (severity IN ('warn', 'fail')),
                status       TEXT NOT NULL CHECK (status IN ('passed', 'failed')),
                rows_checked INTEGER NOT NULL,
                failing_rows INTEGER NOT NULL,
                observed     TEXT,
                examples     TEXT NOT NULL DEFAULT '[]',
                checked_at   INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS quality_results_by_view ON quality_results (view, job_id);
            CREATE INDEX IF NOT EXISTS quality_results_by_job ON quality_results (job_id);
            """)
    }
}
