public import Larder
import Foundation

/// Deleting what no committed catalog row names any more: the files of jobs that did not commit (failed or
/// killed) and, once the store's retention has passed, the files commits superseded.
extension OfflineStore {
    /// What a job's file is, in its name `<role>-j<job>.parquet`: `part` (a materialization's day file),
    /// `late` (an incremental run's late rows), `push` (a push flush), `compact` (a compaction's merged file).
    static let fileRoles = ["part", "late", "push", "compact"]

    static func fileName(role: String, jobID: Int64) -> String { "\(role)-j\(jobID).parquet" }

    /// The job a file name belongs to, if it is one of ours (a file being written has a temporary name
    /// `.<name>.tmp-…`).
    static func jobID(inFileName fileName: String) -> Int64? {
        let name = fileName.hasPrefix(".") ? String(fileName.dropFirst()) : fileName
        for role in fileRoles {
            guard name.hasPrefix(role + "-j") else { continue }
            return Int64(name.dropFirst(role.count + 2).prefix { $0.isNumber })
        }
        return nil
    }

    /// Deletes every file a job that will not commit wrote: its files are `<role>-j<job>.parquet` in the
    /// directories it recorded before writing (see ``OfflineCatalog/markPending(jobID:view:days:)``).
    public func discard(jobID: Int64) {
        guard let directories = try? catalog.pending().filter({ $0.jobID == jobID }) else { return }
        for directory in directories {
            for role in Self.fileRoles {
                let path = home + "/" + Self.dayDirectory(view: directory.view, day: directory.day) + "/" + Self.fileName(role: role, jobID: jobID)
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        try? catalog.clearPending(jobID: jobID)
    }

    /// Deletes the superseded files whose retention has passed (see ``OfflineCatalog/retired()``). Returns
    /// their paths (relative).
    @discardableResult
    public func deleteRetired(now: Timestamp = .now()) throws -> [String] {
        let due = try catalog.retired(before: now.adding(TimeSpan(microseconds: -retention.microseconds)))
        var gone: [String] = []
        for path in due {
            let full = home + "/" + path
            if unlink(full) == 0 || errno == ENOENT { gone.append(path) }
        }
        try catalog.forgetRetired(gone)
        return gone
    }

    /// Deletes files that no catalog row names (live or retired), in the directories of jobs that did not
    /// finish (killed, or failed), except files of jobs still running in a live process; then the retired
    /// files whose retention has passed. Returns the orphans deleted (relative paths).
    @discardableResult
    public func removeOrphans(liveJobs: Set<Int64>) throws -> [String] {
        defer { _ = try? deleteRetired() }
        let pending = Dictionary(grouping: try catalog.pending(), by: \.jobID).filter { !liveJobs.contains($0.key) }
        guard !pending.isEmpty else { return [] }
        var removed: [String] = []
        var known: [String: Set<String>] = [:]
        for (job, directories) in pending.sorted(by: { $0.key < $1.key }) {
            // Started after `liveJobs` was read: still writing, not ours to clean.
            if try catalog.jobIsRunning(job) { continue }
            if directories.contains(where: { $0.view == "*" }) {
                removed += try removeOrphansEverywhere(liveJobs: liveJobs)
            } else {
                for directory in directories {
                    if known[directory.view] == nil { known[directory.view] = try catalog.knownPaths(view: directory.view) }
                    let relative = Self.dayDirectory(view: directory.view, day: directory.day)
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: home + "/" + relative)) ?? []
                    for name in names.sorted() where removeIfOrphan(relative + "/" + name, known: known[directory.view]!, liveJobs: liveJobs) {
                        removed.append(relative + "/" + name)
                    }
                }
            }
            try catalog.clearPending(jobID: job)
        }
        return removed
    }

    /// The walk of every file under `offline/`, for a store whose orphans were never tracked.
    private func removeOrphansEverywhere(liveJobs: Set<Int64>) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: home + "/offline") else { return [] }
        let known = try catalog.allKnownPaths()
        var removed: [String] = []
        while let item = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: home + "/offline/" + item, isDirectory: &isDirectory), !isDirectory.boolValue,
                  removeIfOrphan("offline/" + item, known: known, liveJobs: liveJobs) else { continue }
            removed.append("offline/" + item)
        }
        return removed
    }

    /// Deletes the file at `path` (relative) unless the catalog names it or a live job owns it; whether it did.
    /// `known` and `liveJobs` were read before the directory was listed, so both are checked again for the one
    /// file: a job that started since may be writing it, one that committed since may have listed it.
    private func removeIfOrphan(_ path: String, known: Set<String>, liveJobs: Set<Int64>) -> Bool {
        guard !known.contains(path) else { return false }
        if let owner = Self.jobID(inFileName: (path as NSString).lastPathComponent) {
            guard !liveJobs.contains(owner), (try? catalog.jobIsRunning(owner)) == false else { return false }
        }
        guard (try? catalog.isKnown(path)) == false else { return false }
        try? FileManager.default.removeItem(atPath: home + "/" + path)
        return true
    }
}
