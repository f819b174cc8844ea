public import Larder
import LarderRegistry

/// The day directories a job may leave files in until it finishes: recorded before it writes a file,
/// cleared once its files are committed (and what they replace deleted) or discarded. After a killed
/// job, cleanup walks only these directories instead of every day the store has ever held, so a
/// scheduler's no-new-data runs stay fast however long the history grows.
extension OfflineCatalog {
    /// One directory a job writes into: `offline/<view>/date=<day>/`. `view == "*"` asks for a walk of
    /// the whole tree (a store from before this table existed).
    public struct PendingDirectory: Sendable, Hashable {
        public var jobID: Int64
        public var view: String
        public var day: Timestamp
    }

    /// Records the directories `jobID` is about to write into (its own transaction, before any file).
    public func markPending(jobID: Int64, view: String, days: [Timestamp]) throws {
        guard !days.isEmpty else { return }
        try database.withConnection { db in
            try db.transaction { db in
                for day in days {
                    try db.execute("INSERT OR IGNORE INTO offline_pending (job_id, view, day) VALUES (?, ?, ?)",
                                   [.integer(jobID), .text(view), .integer(day.microsecondsSinceEpoch)])
                }
            }
        }
    }

    /// Forgets `jobID`'s directories: nothing of it is left to clean.
    public func clearPending(jobID: Int64) throws {
        try database.withConnection { db in try Self.clearPending(db, jobID: jobID) }
    }

    /// The same, in the caller's transaction (the one that commits every file the job wrote).
    static func clearPending(_ db: SQLiteConnection, jobID: Int64) throws {
        try db.execute("DELETE FROM offline_pending WHERE job_id = ?", [.integer(jobID)])
    }

    public func pending() throws -> [PendingDirectory] {
        try database.withConnection { db in
            try db.query("SELECT job_id, view, day FROM offline_pending ORDER BY job_id, view, day").map { row in
                PendingDirectory(jobID: row[0].int64 ?? 0, view: row[1].string ?? "",
                                 day: Timestamp(microsecondsSinceEpoch: row[2].int64 ?? 0))
            }
        }
    }
}
