public import Larder
import Foundation

/// Every materialization is a job row in `registry.db`: what ran, over which interval, why, how many
/// rows it moved, and how it ended. `larder jobs` reads it.
public struct JobLog: Sendable {
    public let database: SQLiteDatabase

    /// How a job ended, or that it still runs.
    public enum Status: String, Sendable, Codable { case running, succeeded, failed }

    /// One job.
    public struct Job: Sendable, Equatable, Codable {
        public var id: Int64
        public var trigger: String
        public var views: [String]
        public var interval: EventInterval
        public var status: Status
        public var startedAt: Timestamp
        public var finishedAt: Timestamp?
        public var rowsRead: Int64
        public var rowsOffline: Int64
        public var rowsOnline: Int64
        /// Rows the run took whose event time was behind its view's watermark (late data).
        public var rowsLate: Int64
        public var error: String?
        /// What the run could not do though it succeeded, e.g. that late rows of its view are not looked for.
        public var note: String?
        public var pid: Int32
    }

    public init(database: SQLiteDatabase) throws {
        self.database = database
    }

    /// Records a new running job and returns its id.
    public func start(trigger: String, views: [String], interval: EventInterval, now: Timestamp = .now()) throws -> Int64 {
        try database.withConnection { db in
            try db.execute("INSERT INTO jobs(trigger, views, start, end, status, started_at, pid) VALUES (?, ?, ?, ?, 'running', ?, ?)",
                           [.text(trigger), .text(views.joined(separator: ",")), .integer(interval.start.microsecondsSinceEpoch),
                            .integer(interval.end.microsecondsSinceEpoch), .integer(now.microsecondsSinceEpoch),
                            .integer(Int64(ProcessInfo.processInfo.processIdentifier))])
            return db.lastInsertRowID
        }
    }

    /// Marks a job finished, inside the caller's transaction when `db` is given.
    public static func finish(_ db: SQLiteConnection, id: Int64, status: Status, rowsRead: Int64, rowsOffline: Int64,
                              rowsOnline: Int64, rowsLate: Int64 = 0, error: String?, note: String? = nil, now: Timestamp = .now()) throws {
        try db.execute("""
            UPDATE jobs SET status = ?, finished_at = ?, rows_read = ?, rows_offline = ?, rows_online = ?, rows_late = ?, error = ?, note = ?
            WHERE id = ?
            """, [.text(status.rawValue), .integer(now.microsecondsSinceEpoch), .integer(rowsRead), .integer(rowsOffline),
                  .integer(rowsOnline), .integer(rowsLate), error.map(SQLiteValue.text) ?? .null, note.map(SQLiteValue.text) ?? .null,
                  .integer(id)])
    }

    public func finish(id: Int64, status: Status, rowsRead: Int64, rowsOffline: Int64, rowsOnline: Int64, rowsLate: Int64 = 0,
                       error: String?, note: String? = nil) throws {
        try database.withConnection { db in
            try Self.finish(db, id: id, status: status, rowsRead: rowsRead, rowsOffline: rowsOffline, rowsOnline: rowsOnline,
                            rowsLate: rowsLate, error: error, note: note)
        }
    }

    public func job(_ id: Int64) throws -> Job? {
        try database.withConnection { db in try db.queryFirst("SELECT * FROM jobs WHERE id = ?", [.integer(id)]).map(Self.decode) }
    }

    /// A job, read on the database's queue (for async callers such as the server).
    public func loadJob(_ id: Int64) async throws -> Job? {
        try await database.read { db in try db.queryFirst("SELECT * FROM jobs WHERE id = ?", [.integer(id)]).map(Self.decode) }
    }

    /// Jobs newest first, optionally only those touching a view or only failed ones.
    public func list(view: String? = nil, failedOnly: Bool = false, limit: Int = 50) throws -> [Job] {
        // Views are stored comma-separated; matching ",views," against ",name," finds whole names only.
        try database.withConnection { db in
            try db.query("""
                SELECT * FROM jobs
                WHERE (?1 IS NULL OR instr(',' || views || ',', ',' || ?1 || ',') > 0) AND (?2 = 0 OR status = 'failed')
                ORDER BY id DESC LIMIT ?3
                """, [view.map(SQLiteValue.text) ?? .null, .integer(failedOnly ? 1 : 0), .integer(Int64(limit))])
                .map(Self.decode)
        }
    }

    /// Jobs still marked running whose process is gone (killed mid-way): they are marked failed.
    public func failAbandoned() throws -> [Int64] {
        try database.withConnection { db in
            let running = try db.query("SELECT id, pid FROM jobs WHERE status = 'running'")
            var abandoned: [Int64] = []
            for row in running {
                let pid = Int32(row[1].int64 ?? 0)
                if pid != ProcessInfo.processInfo.processIdentifier && !Self.processExists(pid) {
                    let id = row[0].int64 ?? 0
                    try Self.finish(db, id: id, status: .failed, rowsRead: 0, rowsOffline: 0, rowsOnline: 0,
                                    error: "the process (pid \(pid)) stopped before the job finished; nothing of it was committed")
                    abandoned.append(id)
                }
            }
            return abandoned
        }
    }

    /// Ids of jobs running in a live process (not to be cleaned up under them).
    public func liveRunningJobs() throws -> Set<Int64> {
        try database.withConnection { db in
            Set(try db.query("SELECT id, pid FROM jobs WHERE status = 'running'").compactMap { row in
                Self.processExists(Int32(row[1].int64 ?? 0)) ? row[0].int64 : nil
            })
        }
    }

    /// Whether a process with this id is alive (a lock or job holder that was killed is not).
    public static func processExists(_ pid: Int32) -> Bool { pid > 0 && (kill(pid, 0) == 0 || errno == EPERM) }

    static func decode(_ row: SQLiteRow) -> Job {
        Job(id: row["id"].int64 ?? 0, trigger: row["trigger"].string ?? "",
            views: (row["views"].string ?? "").split(separator: ",").map(String.init),
            interval: EventInterval(start: Timestamp(microsecondsSinceEpoch: row["start"].int64 ?? 0),
                                    end: Timestamp(microsecondsSinceEpoch: row["end"].int64 ?? 0)),
            status: Status(rawValue: row["status"].string ?? "") ?? .failed,
            startedAt: Timestamp(microsecondsSinceEpoch: row["started_at"].int64 ?? 0),
            finishedAt: row["finished_at"].int64.map(Timestamp.init(microsecondsSinceEpoch:)),
            rowsRead: row["rows_read"].int64 ?? 0, rowsOffline: row["rows_offline"].int64 ?? 0,
            rowsOnline: row["rows_online"].int64 ?? 0, rowsLate: row["rows_late"].int64 ?? 0, error: row["error"].string,
            note: row["note"].string, pid: Int32(row["pid"].int64 ?? 0))
    }
}
