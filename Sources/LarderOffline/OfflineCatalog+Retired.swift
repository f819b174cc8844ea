public import Larder
import LarderRegistry

/// Files a commit superseded, kept on disk for a while: a reader that listed one just before the commit
/// can still open it, and a commit that a power cut loses still finds the files it named. Recorded in
/// `offline_retired` by the superseding commit's own transaction; ``OfflineStore/deleteRetired(now:)``
/// deletes them once they are older than the store's retention.
extension OfflineCatalog {
    /// One superseded file waiting for deletion.
    public struct RetiredFile: Sendable, Equatable {
        public var path: String
        public var view: String
        public var retiredAt: Timestamp
    }

    public func retired() throws -> [RetiredFile] {
        try database.withConnection { db in
            try db.query("SELECT path, view, retired_at FROM offline_retired ORDER BY retired_at, path").map { row in
                RetiredFile(path: row[0].string ?? "", view: row[1].string ?? "", retiredAt: Timestamp(microsecondsSinceEpoch: row[2].int64 ?? 0))
            }
        }
    }

    /// Paths retired at or before `cutoff`.
    func retired(before cutoff: Timestamp) throws -> [String] {
        try database.withConnection { db in
            try db.query("SELECT path FROM offline_retired WHERE retired_at <= ? ORDER BY path", [.integer(cutoff.microsecondsSinceEpoch)])
                .compactMap { $0[0].string }
        }
    }

    /// Forgets retired paths whose files are gone.
    func forgetRetired(_ paths: [String]) throws {
        guard !paths.isEmpty else { return }
        try database.withConnection { db in
            try db.transaction { db in
                for path in paths { try db.execute("DELETE FROM offline_retired WHERE path = ?", [.text(path)]) }
            }
        }
    }

    /// Every path the catalog knows: live and retired (a cleanup of orphans must delete neither).
    func knownPaths(view: String) throws -> Set<String> {
        try database.withConnection { db in
            Set(try db.query("SELECT path FROM offline_files WHERE view = ?1 UNION SELECT path FROM offline_retired WHERE view = ?1",
                             [.text(view)]).compactMap { $0[0].string })
        }
    }

    /// Whether the catalog names `path`, live or retired, now.
    func isKnown(_ path: String) throws -> Bool {
        try database.withConnection { db in
            try db.queryFirst("SELECT 1 FROM offline_files WHERE path = ?1 UNION ALL SELECT 1 FROM offline_retired WHERE path = ?1",
                              [.text(path)]) != nil
        }
    }

    /// Whether job `id` is still running in a live process (it may be writing files right now).
    func jobIsRunning(_ id: Int64) throws -> Bool {
        try database.withConnection { db in
            guard let pid = try db.queryFirst("SELECT pid FROM jobs WHERE id = ? AND status = 'running'", [.integer(id)])?[0].int64 else {
                return false
            }
            return JobLog.processExists(Int32(truncatingIfNeeded: pid))
        }
    }

    func allKnownPaths() throws -> Set<String> {
        try database.withConnection { db in
            Set(try db.query("SELECT path FROM offline_files UNION SELECT path FROM offline_retired").compactMap { $0[0].string })
        }
    }
}
