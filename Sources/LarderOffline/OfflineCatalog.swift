public import Larder
public import LarderRegistry

/// The offline store's catalog: which Parquet files hold each view's rows for each UTC day, and which
/// event-time intervals have been materialized. Kept in `registry.db`, so a file is visible only once the
/// transaction that names it commits.
///
/// A (view, day) has any number of live files, each of a ``OfflineFileKind``: source-derived files (one per
/// materialization of the day, plus late-row parts) and push parts. A commit swaps the files it names in the
/// ``StagedFile/replaces`` lists for new ones — and fails, changing nothing, if one of them is no longer live —
/// so writers that touch disjoint files (a push and a materialization of one view) never undo each other.
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
        public var kind: OfflineFileKind
    }

    /// A view's live files, by day, source files before push parts, oldest first.
    public func files(view: String) throws -> [FileEntry] {
        try database.withConnection { db in
            try db.query("""
                SELECT view, day, path, row_count, job_id, kind FROM offline_files WHERE view = ? ORDER BY day, kind DESC, job_id, path
                """, [.text(view)]).map(Self.entry)
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
                  path: row[2].string ?? "", rowCount: Int(row[3].int64 ?? 0), jobID: row[4].int64 ?? 0,
                  kind: OfflineFileKind(rawValue: row[5].string ?? "") ?? .source)
    }

    /// Swaps each staged file in for the files it replaces (recorded as retired, for a later cleanup to
    /// delete) and records the interval when one is given, in the caller's transaction. Throws
    /// ``OfflineConflictError`` — the caller's transaction then rolls back — when a replaced file is no longer live.
    static func commit(_ db: SQLiteConnection, view: String, interval: EventInterval?, jobID: Int64,
                       files: [StagedFile], now: Timestamp) throws {
        for file in files {
            for old in file.replaces {
                try db.execute("DELETE FROM offline_files WHERE view = ? AND path = ?", [.text(view), .text(old)])
                guard db.changes == 1 else { throw OfflineConflictError(view: view, path: old) }
                try db.execute("INSERT OR REPLACE INTO offline_retired(path, view, retired_at, job_id) VALUES (?, ?, ?, ?)",
                               [.text(old), .text(view), .integer(now.microsecondsSinceEpoch), .integer(jobID)])
            }
            guard let path = file.path else { continue }
            try db.execute("""
                INSERT INTO offline_files(view, day, path, row_count, min_event, max_event, job_id, committed_at, kind)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(view), .integer(file.day.microsecondsSinceEpoch), .text(path), .integer(Int64(file.rowCount)),
                      .integer(file.minEvent), .integer(file.maxEvent), .integer(jobID), .integer(now.microsecondsSinceEpoch),
                      .text(file.kind.rawValue)])
        }
        if let interval {
            try db.execute("INSERT INTO offline_intervals(view, start, end, job_id, committed_at) VALUES (?, ?, ?, ?, ?)",
                           [.text(view), .integer(interval.start.microsecondsSinceEpoch), .integer(interval.end.microsecondsSinceEpoch),
                            .integer(jobID), .integer(now.microsecondsSinceEpoch)])
        }
    }
}

/// What a live offline file holds, which decides who may replace it.
public enum OfflineFileKind: String, Sendable, Codable, CaseIterable {
    /// Rows derived from the view's source: a materialization of their interval replaces them (with the
    /// source's rows of that interval, which include them).
    case source
    /// Pushed rows (`larder push`, `POST /push`), which the source does not have: no materialization touches
    /// them; only compaction rewrites them, into one file with the same rows.
    case push
}

/// A day's new file written but not yet committed, and the live files it supersedes; `path == nil` means it
/// supersedes them with nothing (every row they held was replaced).
public struct StagedFile: Sendable {
    public var day: Timestamp
    public var path: String?
    public var kind: OfflineFileKind
    /// Live files (paths) this one takes the place of; all must still be live when it commits.
    public var replaces: [String]
    public var rowCount: Int
    public var minEvent: Int64
    public var maxEvent: Int64
}

/// A commit would replace a file that is no longer live: another job replaced it after this one read it.
/// Nothing of the commit happened; run again.
public struct OfflineConflictError: Error, Sendable, CustomStringConvertible {
    public var view: String
    public var path: String
    public var description: String {
        "offline store, view \(view): \(path) was replaced by another job after this one read it; nothing was committed — run again"
    }
}
