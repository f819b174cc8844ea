public import Larder
public import LarderRegistry

/// The offline store's catalog: which Parquet file holds each view's rows for each UTC day, and which
/// event-time intervals have been materialized. Kept in `registry.db`, so a file is visible only
/// once the transaction that names it commits.
public struct OfflineCatalog: Sendable {
    public let database: SQLiteDatabase

    public init(database: SQLiteDatabase) throws {
        self.database = database
    }

    /// One committed file.
    public struct FileEntry: Sendable, Equatable {
        public var view: String
        /// The UTC day the file's rows fall in (start of day).
        public var day: Timestamp
        /// Relative to the state directory.
        public var path: String
        public var rowCount: Int
        public var jobID: Int64
    }

    public func files(view: String) throws -> [FileEntry] {
        try database.withConnection { db in
            try db.query("SELECT view, day, path, row_count, job_id FROM offline_files WHERE view = ? ORDER BY day", [.text(view)])
                .map(Self.entry)
        }
    }

    public func allPaths() throws -> Set<String> {
        try database.withConnection { db in Set(try db.query("SELECT path FROM offline_files").compactMap { $0[0].string }) }
    }

    /// The materialized intervals of a view, merged where they touch or overlap, oldest first.
    public func intervals(view: String) throws -> [EventInterval] {
        let raw = try database.withConnection { db in
            try db.query("SELECT start, end FROM offline_intervals WHERE view = ? ORDER BY start, end", [.text(view)])
                .map { EventInterval(start: Timestamp(microsecondsSinceEpoch: $0[0].int64 ?? 0),
                                     end: Timestamp(microsecondsSinceEpoch: $0[1].int64 ?? 0)) }
        }
        var merged: [EventInterval] = []
        for interval in raw {
            if let last = merged.last, interval.start <= last.end {
                merged[merged.count - 1].end = max(last.end, interval.end)
            } else {
                merged.append(interval)
            }
        }
        return merged
    }

    static func entry(_ row: SQLiteRow) -> FileEntry {
        FileEntry(view: row[0].string ?? "", day: Timestamp(microsecondsSinceEpoch: row[1].int64 ?? 0),
                  path: row[2].string ?? "", rowCount: Int(row[3].int64 ?? 0), jobID: row[4].int64 ?? 0)
    }

    /// Replaces the files of the given days and records the interval, in the caller's transaction.
    /// Returns the paths of the files the new ones supersede (to delete after the commit).
    static func commit(_ db: SQLiteConnection, view: String, interval: EventInterval, jobID: Int64,
                       files: [StagedFile], now: Timestamp) throws -> [String] {
        var superseded: [String] = []
        for file in files {
            if let old = try db.queryFirst("SELECT path FROM offline_files WHERE view = ? AND day = ?",
                                           [.text(view), .integer(file.day.microsecondsSinceEpoch)])?[0].string {
                superseded.append(old)
                try db.execute("DELETE FROM offline_files WHERE view = ? AND day = ?", [.text(view), .integer(file.day.microsecondsSinceEpoch)])
            }
            guard let path = file.path else { continue }
            try db.execute("""
                INSERT INTO offline_files(view, day, path, row_count, min_event, max_event, job_id, committed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(view), .integer(file.day.microsecondsSinceEpoch), .text(path), .integer(Int64(file.rowCount)),
                      .integer(file.minEvent), .integer(file.maxEvent), .integer(jobID), .integer(now.microsecondsSinceEpoch)])
        }
        try db.execute("INSERT INTO offline_intervals(view, start, end, job_id, committed_at) VALUES (?, ?, ?, ?, ?)",
                       [.text(view), .integer(interval.start.microsecondsSinceEpoch), .integer(interval.end.microsecondsSinceEpoch),
                        .integer(jobID), .integer(now.microsecondsSinceEpoch)])
        return superseded
    }
}

/// A day's new file written but not yet committed; `path == nil` means the day becomes empty.
public struct StagedFile: Sendable {
    public var day: Timestamp
    public var path: String?
    public var rowCount: Int
    public var minEvent: Int64
    public var maxEvent: Int64
}
