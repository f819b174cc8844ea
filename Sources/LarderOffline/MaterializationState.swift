public import Larder
public import LarderRegistry
import Foundation

/// Per-view state of incremental materialization in `registry.db`: the watermark (end of the last
/// successful run), the created watermark (the greatest source `created` time that run saw: rows created
/// after it are late rows for the next one) and the lock that keeps two runs of one view from overlapping.
/// A lock whose holder process is gone (killed) is taken over, so a crash never wedges a view.
public struct MaterializationState: Sendable {
    public let database: SQLiteDatabase

    public init(database: SQLiteDatabase) throws {
        self.database = database
    }

    public func watermark(view: String) throws -> Timestamp? {
        try database.withConnection { db in
            try db.queryFirst("SELECT watermark FROM watermarks WHERE view = ?", [.text(view)])?[0].int64.map(Timestamp.init(microsecondsSinceEpoch:))
        }
    }

    /// Where a view's incremental runs stand.
    public struct Progress: Sendable, Equatable {
        /// The end of the last successful run; `nil` before the first.
        public var watermark: Timestamp?
        /// The greatest `created` time of the source's rows at the last successful run (µs); `nil` when the
        /// source has no created column or no run has seen one.
        public var createdWatermark: Int64?

        public init(watermark: Timestamp?, createdWatermark: Int64?) {
            self.watermark = watermark
            self.createdWatermark = createdWatermark
        }
    }

    public func progress(view: String) throws -> Progress {
        try database.withConnection { db in
            let row = try db.queryFirst("SELECT watermark, created_watermark FROM watermarks WHERE view = ?", [.text(view)])
            return Progress(watermark: row?[0].int64.map(Timestamp.init(microsecondsSinceEpoch:)), createdWatermark: row?[1].int64)
        }
    }

    /// Advances the watermark to `end` and, when given, the created watermark (kept otherwise).
    public func setWatermark(view: String, to end: Timestamp, createdWatermark: Int64? = nil, now: Timestamp = .now()) throws {
        try database.withConnection { db in
            try db.execute("""
                INSERT INTO watermarks(view, watermark, updated_at, created_watermark) VALUES (?, ?, ?, ?)
                ON CONFLICT(view) DO UPDATE SET watermark = excluded.watermark, updated_at = excluded.updated_at,
                    created_watermark = coalesce(excluded.created_watermark, watermarks.created_watermark)
                """, [.text(view), .integer(end.microsecondsSinceEpoch), .integer(now.microsecondsSinceEpoch),
                      createdWatermark.map(SQLiteValue.integer) ?? .null])
        }
    }

    /// Takes the lock of every view, or none: throws ``ViewBusyError`` naming the holder when one is
    /// held by a live process (another run in this process counts as live too).
    public func lock(views: [String], holder: String, now: Timestamp = .now()) throws {
        let pid = Int64(ProcessInfo.processInfo.processIdentifier)
        try database.withConnection { db in
            try db.transaction { db in
                for view in views {
                    if let row = try db.queryFirst("SELECT pid, holder, acquired_at FROM view_locks WHERE view = ?", [.text(view)]) {
                        let owner = Int32(row[0].int64 ?? 0)
                        if JobLog.processExists(owner) {
                            throw ViewBusyError(view: view, holder: row[1].string ?? "?", pid: owner,
                                                since: Timestamp(microsecondsSinceEpoch: row[2].int64 ?? 0))
                        }
                    }
                    try db.execute("INSERT OR REPLACE INTO view_locks(view, pid, holder, acquired_at) VALUES (?, ?, ?, ?)",
                                   [.text(view), .integer(pid), .text(holder), .integer(now.microsecondsSinceEpoch)])
                }
            }
        }
    }

    public func unlock(views: [String]) throws {
        let pid = Int64(ProcessInfo.processInfo.processIdentifier)
        try database.withConnection { db in
            for view in views { try db.execute("DELETE FROM view_locks WHERE view = ? AND pid = ?", [.text(view), .integer(pid)]) }
        }
    }
}

/// Another run holds a view's lock.
public struct ViewBusyError: Error, Sendable, CustomStringConvertible {
    public var view: String
    public var holder: String
    public var pid: Int32
    public var since: Timestamp
    public var description: String {
        "view \(view) is being materialized by \(holder) (pid \(pid), since \(since.iso8601(fractionalDigits: 0))); wait for it to finish, or stop that process"
    }
}
