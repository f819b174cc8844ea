extension RegistrySchema {
    /// Migration 3: late data. `watermarks.created_watermark` is the greatest source `created` time an
    /// incremental run of the view has seen (the next run takes rows created after it, whatever their event
    /// time); `jobs.rows_late` counts the rows a run took behind its view's watermark, `jobs.note` says what a
    /// run could not do (e.g. look for late rows of a view with neither a created column nor allowedLateness).
    static func addLateData(_ db: SQLiteConnection) throws {
        // Idempotent, like migration 1: a file whose user_version was reset keeps what it has.
        let additions = [("watermarks", "created_watermark", "INTEGER"), ("jobs", "rows_late", "INTEGER NOT NULL DEFAULT 0"),
                         ("jobs", "note", "TEXT")]
        for (table, column, type) in additions where try !columns(of: table, in: db).contains(column) {
            try db.execute("ALTER TABLE \(table) ADD COLUMN \(column) \(type)")
        }
    }
}
