/// A failure reported by SQLite, with its result code, its message and the statement that failed.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's primary or extended result code (e.g. 5 = SQLITE_BUSY, 19 = SQLITE_CONSTRAINT).
    public let code: Int32
    /// SQLite's own message (`sqlite3_errmsg`).
    public let message: String
    /// The database file.
    public let path: String
    /// The SQL being run, when the failure came from a statement.
    public let sql: String?

    public init(code: Int32, message: String, path: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.sql = sql
    }

    public var isBusy: Bool { code & 0xff == 5 || code & 0xff == 6 }
    public var isConstraint: Bool { code & 0xff == 19 }

    public var description: String {
        var text = "SQLite error \(code) in \(path): \(message)"
        if let sql { text += " (while running: \(sql.prefix(200)))" }
        if isBusy { text += "; another process holds the database: retry, or stop the other larder process" }
        return text
    }
}
