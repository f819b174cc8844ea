public import Larder
public import LarderColumnar
public import LarderParquet
public import LarderRegistry
import Dispatch
import Foundation

/// The offline store: each view's rows as Parquet files under `<home>/offline/<view>/date=YYYY-MM-DD/`,
/// one live file per view and UTC day, listed in the ``OfflineCatalog``.
///
/// Writing is two-phase. ``stage(view:rows:interval:jobID:)`` writes new day files beside the live
/// ones (a re-materialized interval's old rows are dropped from them, rows outside it are kept) and
/// returns them; ``commit(_:jobID:)`` swaps them into the catalog in one transaction and only then
/// deletes what they supersede. A crash before the commit leaves orphans that ``removeOrphans()``
/// deletes and a catalog exactly as before; after it, the new state is complete.
///
/// ```swift
/// let store = try OfflineStore(home: ".larder", database: registry.database)
/// let staged = try store.stage(view: driverStats, rows: stored, interval: day, jobID: 7)
/// try store.commit([staged], jobID: 7)
/// let all = try store.read(view: "driver_stats", columns: nil)
/// ```
public final class OfflineStore: Sendable {
    public let home: String
    public let catalog: OfflineCatalog
    public let writeOptions: ParquetWriteOptions

    public init(home: String, database: SQLiteDatabase, writeOptions: ParquetWriteOptions = ParquetWriteOptions()) throws {
        self.home = home
        self.catalog = try OfflineCatalog(database: database)
        self.writeOptions = writeOptions
    }

    /// The directory of a view's files, relative to the state directory.
    public static func directory(view: String) -> String { "offline/\(view)" }

    static func dayName(_ day: Timestamp) -> String { String(day.iso8601(fractionalDigits: 0).prefix(10)) }

    /// The files one view writes for one interval, ready to commit.
    public struct StagedView: Sendable {
        public var view: String
        public var interval: EventInterval
        public var files: [StagedFile]
        public var rowsWritten: Int
    }

    /// Writes `rows` (the view's stored schema) for `interval` as new day files, merging in the live
    /// files' rows that fall outside the interval. Nothing becomes visible until ``commit(_:jobID:)``.
    /// With `replacing: false` (push ingestion) the live files keep all their rows and the new ones are added.
    public func stage(view: String, rows: ColumnBatch, interval: EventInterval, jobID: Int64, replacing: Bool = true) throws -> StagedView {
        guard let time = rows.column(named: "event_timestamp") else {
            throw OfflineStoreError(view: view, message: "rows to store have no event_timestamp column")
        }
        let dayMicros = Timestamp.microsecondsPerDay
        var grouping: [Int64: [Int]] = [:]
        let micros = time.timestampMicros
        for i in 0..<micros.count {
            let day = micros[i] >= 0 ? micros[i] / dayMicros : (micros[i] + 1) / dayMicros - 1
            grouping[day, default: []].append(i)
        }
        let byDay = grouping
        // Live files of days the interval touches lose their rows inside it, even with no new rows.
        let existing = try catalog.files(view: view).filter { entry in
            EventInterval(start: entry.day, end: entry.day.adding(.days(1))).overlaps(interval)
        }
        var days = Set(byDay.keys)
        if replacing { for entry in existing { days.insert(entry.day.microsecondsSinceEpoch / dayMicros) } }
        let existingByDay = Dictionary(existing.map { ($0.day.microsecondsSinceEpoch / dayMicros, $0) }, uniquingKeysWith: { a, _ in a })
        let dayList = days.sorted()
        // Before any file exists: a kill from here on leaves files only in directories cleanup will visit.
        try catalog.markPending(jobID: jobID, view: view, days: dayList.map { Timestamp(microsecondsSinceEpoch: $0 * dayMicros) })

        let results = ConcurrentResults<StagedFile>(count: dayList.count)
        DispatchQueue.concurrentPerform(iterations: dayList.count) { k in
            results.set(k) {
                let day = dayList[k]
                var parts: [ColumnBatch] = []
                if let indices = byDay[day] { parts.append(rows.gather(indices)) }
                if let old = existingByDay[day] {
                    let live = try ParquetFile.read(home + "/" + old.path)
                    let kept = replacing ? try keepOutside(interval, of: live, view: view) : live
                    if kept.rowCount > 0 { parts.append(try kept.selecting(rows.schema.names)) }
                }
                return try writeDay(view: view, day: Timestamp(microsecondsSinceEpoch: day * dayMicros), parts: parts, jobID: jobID)
            }
        }
        let files = try results.values()
        return StagedView(view: view, interval: interval, files: files, rowsWritten: rows.rowCount)
    }

    private func keepOutside(_ interval: EventInterval, of batch: ColumnBatch, view: String) throws -> ColumnBatch {
        guard let time = batch.column(named: "event_timestamp") else {
            throw OfflineStoreError(view: view, message: "a stored file has no event_timestamp column; the store is damaged")
        }
        let micros = time.timestampMicros
        let kept = (0..<micros.count).filter { !interval.contains(micros: micros[$0]) }
        return kept.count == micros.count ? batch : batch.gather(kept)
    }

    private func writeDay(view: String, day: Timestamp, parts: [ColumnBatch], jobID: Int64) throws -> StagedFile {
        let batch = parts.count == 1 ? parts[0] : try ColumnBatch.concatenate(parts)
        guard batch.rowCount > 0 else { return StagedFile(day: day, path: nil, rowCount: 0, minEvent: 0, maxEvent: 0) }
        let relative = "\(Self.dayDirectory(view: view, day: day))/part-j\(jobID).parquet"
        let full = home + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var options = writeOptions
        options.keyValueMetadata["larder.view"] = view
        options.keyValueMetadata["larder.job"] = String(jobID)
        try ParquetFile.write(batch, to: full, options: options)
        let micros = batch.column(named: "event_timestamp")!.timestampMicros
        return StagedFile(day: day, path: relative, rowCount: batch.rowCount, minEvent: micros.min() ?? 0, maxEvent: micros.max() ?? 0)
    }

    /// Makes staged files visible — all views of a job in one transaction — then deletes the files
    /// they replace. `finish` runs inside the same transaction (e.g. to mark the job succeeded).
    public func commit(_ staged: [StagedView], jobID: Int64, now: Timestamp = .now(),
                       finish: @Sendable (SQLiteConnection) throws -> Void = { _ in }) throws {
        let superseded = try catalog.database.withConnection { db in
            try db.transaction { db in
                var old: [String] = []
                for view in staged {
                    old += try OfflineCatalog.commit(db, view: view.view, interval: view.interval, jobID: jobID, files: view.files, now: now)
                }
                try finish(db)
                return old
            }
        }
        for path in superseded { try? FileManager.default.removeItem(atPath: home + "/" + path) }
        // Anything left behind keeps the job's directories on the cleanup list.
        if !superseded.contains(where: { FileManager.default.fileExists(atPath: home + "/" + $0) }) {
            try? catalog.clearPending(jobID: jobID)
        }
    }

    /// Deletes every file a job that will not commit wrote: its files are `part-j<job>.parquet` in the
    /// directories it recorded before writing (see ``OfflineCatalog/markPending(jobID:view:days:)``).
    public func discard(jobID: Int64) {
        guard let directories = try? catalog.pending().filter({ $0.jobID == jobID }) else { return }
        for directory in directories {
            try? FileManager.default.removeItem(atPath: home + "/" + Self.dayDirectory(view: directory.view, day: directory.day) + "/part-j\(jobID).parquet")
        }
        try? catalog.clearPending(jobID: jobID)
    }

    /// Deletes files that no committed catalog row names, in the directories of jobs that did not finish
    /// (killed, or left superseded files behind), except files of jobs still running in a live process.
    /// Returns the deleted paths (relative).
    @discardableResult
    public func removeOrphans(liveJobs: Set<Int64>) throws -> [String] {
        let pending = Dictionary(grouping: try catalog.pending(), by: \.jobID).filter { !liveJobs.contains($0.key) }
        guard !pending.isEmpty else { return [] }
        var removed: [String] = []
        var known: [String: Set<String>] = [:]
        for (job, directories) in pending.sorted(by: { $0.key < $1.key }) {
            if directories.contains(where: { $0.view == "*" }) {
                removed += try removeOrphansEverywhere(liveJobs: liveJobs)
            } else {
                for directory in directories {
                    if known[directory.view] == nil { known[directory.view] = Set(try catalog.files(view: directory.view).map(\.path)) }
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
        let known = try catalog.allPaths()
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
    private func removeIfOrphan(_ path: String, known: Set<String>, liveJobs: Set<Int64>) -> Bool {
        guard !known.contains(path) else { return false }
        if let owner = Self.jobID(inFileName: (path as NSString).lastPathComponent), liveJobs.contains(owner) { return false }
        try? FileManager.default.removeItem(atPath: home + "/" + path)
        return true
    }

    /// `offline/<view>/date=YYYY-MM-DD`, relative to the state directory.
    static func dayDirectory(view: String, day: Timestamp) -> String { "\(directory(view: view))/date=\(dayName(day))" }

    static func jobID(inFileName name: String) -> Int64? {
        guard let range = name.range(of: "part-j") else { return nil }
        return Int64(name[range.upperBound...].prefix { $0.isNumber })
    }

    /// A view's committed rows, projected to `columns`, optionally only days overlapping `interval`.
    public func read(view: String, columns: [String]?, interval: EventInterval = .all) throws -> ColumnBatch? {
        let files = try catalog.files(view: view).filter {
            interval == .all || EventInterval(start: $0.day, end: $0.day.adding(.days(1))).overlaps(interval)
        }
        if files.isEmpty { return nil }
        let results = ConcurrentResults<ColumnBatch>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { k in
            results.set(k) { try ParquetFile.read(home + "/" + files[k].path, columns: columns) }
        }
        return try ColumnBatch.concatenate(try results.values())
    }
}

/// The offline store is damaged or was asked something impossible.
public struct OfflineStoreError: Error, Sendable, CustomStringConvertible {
    public var view: String
    public var message: String
    public var description: String { "offline store, view \(view): \(message)" }
}
