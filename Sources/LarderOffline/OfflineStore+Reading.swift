public import Larder
public import LarderColumnar
import LarderParquet
import Dispatch
import Foundation

extension OfflineStore {
    /// How many times a read lists the catalog again after a listed file vanished.
    static let readAttempts = 5

    /// A view's committed rows — every live file, source-derived and pushed — projected to `columns`,
    /// optionally only days overlapping `interval` and files of some kinds.
    ///
    /// Files superseded while the read runs stay on disk for ``retention``; should one be gone all the same
    /// (a reader slower than the retention), the read lists the catalog again and starts over.
    public func read(view: String, columns: [String]?, interval: EventInterval = .all,
                     kinds: Set<OfflineFileKind> = Set(OfflineFileKind.allCases)) throws -> ColumnBatch? {
        var attempt = 0
        while true {
            let files = try catalog.files(view: view).filter {
                kinds.contains($0.kind) && (interval == .all || EventInterval(start: $0.day, end: $0.day.adding(.days(1))).overlaps(interval))
            }
            afterListing?(attempt)
            if files.isEmpty { return nil }
            do {
                let results = ConcurrentResults<ColumnBatch>(count: files.count)
                DispatchQueue.concurrentPerform(iterations: files.count) { k in
                    results.set(k) { try ParquetFile.read(home + "/" + files[k].path, columns: columns) }
                }
                return try ColumnBatch.concatenate(try results.values())
            } catch {
                attempt += 1
                let vanished = files.contains { access(home + "/" + $0.path, F_OK) != 0 }
                guard vanished, attempt < Self.readAttempts else { throw error }
            }
        }
    }
}
