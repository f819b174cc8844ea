internal import CSQLite

/// One open SQLite database file: prepared statements, transactions, WAL and a busy timeout.
///
/// A connection is used by one thread at a time; ``SQLiteDatabase`` gives it a serial queue so async
/// code never blocks the cooperative thread pool on it. Command-line code may use it directly.
///
/// ```swift
/// let db = try SQLiteConnection(path: ".larder/registry.db")
/// try db.execute("CREATE TABLE IF NOT EXISTS kv(k TEXT PRIMARY KEY, v TEXT)")
/// try db.transaction { try $0.execute("INSERT INTO kv VALUES (?, ?)", ["a", "1"]) }
/// let rows = try db.query("SELECT v FROM kv WHERE k = ?", ["a"])
/// ```
public final class SQLiteConnection {
    private var handle: OpaquePointer?
    public let path: String
    private var statementCache: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database at `path`, in WAL mode with a busy timeout.
    public init(path: String, readOnly: Bool = false, busyTimeout: Int32 = 10_000) throws(SQLiteError) {
        self.path = path
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw SQLiteError(code: rc, message: message, path: path)
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeout)
        sqlite3_extended_result_codes(db, 1)
        if !readOnly {
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = NORMAL")
        }
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), path: path, sql: sql)
    }

    /// A statement compiled once and kept for reuse.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = statementCache[sql] {
            cached.reset()
            return cached
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        let statement = SQLiteStatement(handle: stmt, connection: self, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs SQL that returns no rows. With bindings, one statement; without, any number of them.
    public func execute(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) {
        if bindings.isEmpty && !sql.contains("?") {
            var message: UnsafeMutablePointer<CChar>?
            let rc = sqlite3_exec(handle, sql, nil, nil, &message)
            if rc != SQLITE_OK {
                let text = message.map { String(cString: $0) } ?? "error"
                sqlite3_free(message)
                throw SQLiteError(code: rc, message: text, path: path, sql: sql)
            }
            return
        }
        let statement = try prepare(sql)
        try statement.bind(bindings)
        while try statement.step() {}
    }

    /// Runs a query and returns all rows.
    public func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> [SQLiteRow] {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        var rows: [SQLiteRow] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// The first row of a query, if any.
    public func queryFirst(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> SQLiteRow? {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        defer { statement.reset() }
        return try statement.step() ? statement.row() : nil
    }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE` so writers queue on the busy timeout instead of
    /// failing at commit); rolls back when it throws, so nothing is half-written.
    public func transaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body(self)
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// ``transaction(_:)`` whose commit is on disk when it returns: `PRAGMA synchronous = FULL` fsyncs the WAL
    /// at COMMIT. For commits others rely on — a catalog row naming a file whose predecessor a later cleanup
    /// deletes, an acknowledged push. Other transactions keep `NORMAL` (in WAL mode: durable at the next
    /// checkpoint, never corrupt).
    public func durableTransaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try execute("PRAGMA synchronous = FULL")
        defer { try? execute("PRAGMA synchronous = NORMAL") }
        return try transaction(body)
    }
}
