public import Larder
public import LarderColumnar
public import LarderParquet
public import LarderRegistry
import Dispatch
import Foundation

/// The offline store: each view's rows as Parquet files under `<home>/offline/<view>/date=YYYY-MM-DD/`,
/// listed in the ``OfflineCatalog`` — per view and UTC day, source-derived files and push parts.
///
/// Writing is two-phase. ``stage(view:rows:interval:jobID:)`` writes new day files beside the live ones (a
/// re-materialized interval's old source rows are dropped from them, rows outside it are kept; push parts are
/// never read or replaced), ``stageParts(view:rows:kind:role:jobID:)`` writes files that add to a day (pushes,
/// late rows); ``commit(_:jobID:now:finish:)`` swaps them into the catalog in one durable transaction. A crash
/// before the commit leaves orphans that ``removeOrphans(liveJobs:)`` deletes and a catalog exactly as before.
/// Superseded files are deleted only after ``retention`` (``deleteRetired(now:)``), so a reader that listed
/// one still opens it.
///
/// ```swift
/// let store = try OfflineStore(home: ".larder", database: registry.database)
/// let staged = try store.stage(view: "driver_stats", rows: stored, interval: day, jobID: 7)
/// try store.commit([staged], jobID: 7)
/// let all = try store.read(view: "driver_stats", columns: nil)
/// ```
public final class OfflineStore: Sendable {
    public let home: String
    public let catalog: OfflineCatalog
    public let writeOptions: ParquetWriteOptions
    /// How long a superseded file stays on disk after the commit that replaced it.
    public let retention: TimeSpan
    /// Called between listing a view's files and reading them (tests race a re-materialization there).
    let afterListing: (@Sendable (_ attempt: Int) -> Void)?

    public convenience init(home: String, database: SQLiteDatabase, writeOptions: ParquetWriteOptions = ParquetWriteOptions(),
                            retention: TimeSpan = .minutes(5)) throws {
        try self.init(home: home, database: database, writeOptions: writeOptions, retention: retention, afterListing: nil)
    }

    package init(home: String, database: SQLiteDatabase, writeOptions: ParquetWriteOptions = ParquetWriteOptions(),
                 retention: TimeSpan = .minutes(5), afterListing: (@Sendable (Int) -> Void)?) throws {
        self.home = home
        self.catalog = try OfflineCatalog(database: database)
        self.writeOptions = writeOptions
        self.retention = retention
        self.afterListing = afterListing
    }

    /// The directory of a view's files, relative to the state directory.
    public static func directory(view: String) -> String { "offline/\(view)" }

    static func dayName(_ day: Timestamp) -> String { String(day.iso8601(fractionalDigits: 0).prefix(10)) }

    /// The files one view writes in one job, ready to commit.
    public struct StagedView: Sendable {
        public var view: String
        /// The materialized interval, recorded in the catalog; `nil` for parts that only add rows.
        public var interval: EventInterval?
        public var files: [StagedFile]
        public var rowsWritten: Int
    }

    /// Writes `rows` (the view's stored schema) for `interval` as new source files, one per day, each merging
    /// in the rows of the day's live source files that fall outside the interval and replacing those files.
    /// Push parts are left alone. Nothing becomes visible until ``commit(_:jobID:now:finish:)``.
    public func stage(view: String, rows: ColumnBatch, interval: EventInterval, jobID: Int64) throws -> StagedView {
        let byDay = try Self.rowsByDay(rows, view: view)
        // Source files of days the interval touches lose their rows inside it, even with no new rows.
        let existing = try catalog.files(view: view).filter { entry in
            entry.kind == .source && EventInterval(start: entry.day, end: entry.day.adding(.days(1))).overlaps(interval)
        }
        let existingByDay = Dictionary(grouping: existing) { Self.dayNumber($0.day) }
        let dayList = Set(byDay.keys).union(existingByDay.keys).sorted()
        // Before any file exists: a kill from here on leaves files only in directories cleanup will visit.
        try catalog.markPending(jobID: jobID, view: view, days: dayList.map(Self.dayStart))

        let results = ConcurrentResults<StagedFile>(count: dayList.count)
        DispatchQueue.concurrentPerform(iterations: dayList.count) { k in
            results.set(k) {
                let day = dayList[k]
                var parts: [ColumnBatch] = []
                if let indices = byDay[day] { parts.append(rows.gather(indices)) }
                let old = existingByDay[day] ?? []
                for file in old {
                    let kept = try keepOutside(interval, of: try ParquetFile.read(home + "/" + file.path), view: view)
                    if kept.rowCount > 0 { parts.append(try kept.selecting(rows.schema.names)) }
                }
                return try write(view: view, day: Self.dayStart(day), parts: parts, kind: .source, role: "part", jobID: jobID,
                                 replacing: old.map(\.path))
            }
        }
        return StagedView(view: view, interval: interval, files: try results.values(), rowsWritten: rows.rowCount)
    }

    /// Writes `rows` as new files of `kind` that add to their days, replacing nothing: one
    /// `<role>-j<job>.parquet` per day (a push flush's part, an incremental run's late rows).
    public func stageParts(view: String, rows: ColumnBatch, kind: OfflineFileKind, role: String, jobID: Int64) throws -> StagedView {
        let byDay = try Self.rowsByDay(rows, view: view)
        let dayList = byDay.keys.sorted()
        try catalog.markPending(jobID: jobID, view: view, days: dayList.map(Self.dayStart))
        let results = ConcurrentResults<StagedFile>(count: dayList.count)
        DispatchQueue.concurrentPerform(iterations: dayList.count) { k in
            results.set(k) {
                try write(view: view, day: Self.dayStart(dayList[k]), parts: [rows.gather(byDay[dayList[k]]!)], kind: kind, role: role,
                          jobID: jobID, replacing: [])
            }
        }
        return StagedView(view: view, interval: nil, files: try results.values(), rowsWritten: rows.rowCount)
    }

    /// Row indices of `rows` by UTC day number.
    static func rowsByDay(_ rows: ColumnBatch, view: String) throws -> [Int64: [Int]] {
        guard let time = rows.column(named: "event_timestamp") else {
            throw OfflineStoreError(view: view, message: "rows to store have no event_timestamp column")
        }
        var grouping: [Int64: [Int]] = [:]
        let micros = time.timestampMicros
        for i in 0..<micros.count { grouping[dayNumber(micros[i]), default: []].append(i) }
        return grouping
    }

    static func dayNumber(_ micros: Int64) -> Int64 {
        let dayMicros = Timestamp.microsecondsPerDay
        return micros >= 0 ? micros / dayMicros : (micros + 1) / dayMicros - 1
    }

    static func dayNumber(_ day: Timestamp) -> Int64 { dayNumber(day.microsecondsSinceEpoch) }
    static func dayStart(_ number: Int64) -> Timestamp { Timestamp(microsecondsSinceEpoch: number * Timestamp.microsecondsPerDay) }

    private func keepOutside(_ interval: EventInterval, of batch: ColumnBatch, view: String) throws -> ColumnBatch {
        guard let time = batch.column(named: "event_timestamp") else {
            throw OfflineStoreError(view: view, message: "a stored file has no event_timestamp column; the store is damaged")
        }
        let micros = time.timestampMicros
        let kept = (0..<micros.count).filter { !interval.contains(micros: micros[$0]) }
        return kept.count == micros.count ? batch : batch.gather(kept)
    }

    /// Writes one day's new file (none when the parts are empty) as `<role>-j<job>.parquet`.
    func write(view: String, day: Timestamp, parts: [ColumnBatch], kind: OfflineFileKind, role: String, jobID: Int64,
               replacing: [String]) throws -> StagedFile {
        let nonEmpty = parts.filter { $0.rowCount > 0 }
        guard !nonEmpty.isEmpty else {
            return StagedFile(day: day, path: nil, kind: kind, replaces: replacing, rowCount: 0, minEvent: 0, maxEvent: 0)
        }
        let batch = nonEmpty.count == 1 ? nonEmpty[0] : try ColumnBatch.concatenate(nonEmpty)
        let relative = "\(Self.dayDirectory(view: view, day: day))/\(Self.fileName(role: role, jobID: jobID))"
        let full = home + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var options = writeOptions
        options.keyValueMetadata["larder.view"] = view
        options.keyValueMetadata["larder.job"] = String(jobID)
        options.keyValueMetadata["larder.kind"] = kind.rawValue
        // Written to a temporary name, fsynced and renamed (with the directory fsynced): durable before its
        // catalog row commits.
        try ParquetFile.write(batch, to: full, options: options)
        let micros = batch.column(named: "event_timestamp")!.timestampMicros
        return StagedFile(day: day, path: relative, kind: kind, replaces: replacing, rowCount: batch.rowCount,
                          minEvent: micros.min() ?? 0, maxEvent: micros.max() ?? 0)
    }

    /// Makes staged files visible — all views of a job in one transaction, fsynced at commit
    /// (`synchronous = FULL`) — and records the files they supersede for ``deleteRetired(now:)``. `finish` runs
    /// inside the same transaction (e.g. to mark the job succeeded). Throws ``OfflineConflictError`` (nothing
    /// committed) when a file to replace is no longer live.
    public func commit(_ staged: [StagedView], jobID: Int64, now: Timestamp = .now(),
                       finish: (SQLiteConnection) throws -> Void = { _ in }) throws {
        try catalog.database.withConnection { db in
            try db.durableTransaction { db in
                for view in staged {
                    try OfflineCatalog.commit(db, view: view.view, interval: view.interval, jobID: jobID, files: view.files, now: now)
                }
                // Every file the job wrote is now live: nothing of it is left to clean up.
                try OfflineCatalog.clearPending(db, jobID: jobID)
                try finish(db)
            }
        }
        _ = try? deleteRetired(now: now)
    }

    /// `offline/<view>/date=YYYY-MM-DD`, relative to the state directory.
    static func dayDirectory(view: String, day: Timestamp) -> String { "\(directory(view: view))/date=\(dayName(day))" }
}

/// The offline store is damaged or was asked something impossible.
public struct OfflineStoreError: Error, Sendable, CustomStringConvertible {
    public var view: String
    public var message: String
    public var description: String { "offline store, view \(view): \(message)" }
}
