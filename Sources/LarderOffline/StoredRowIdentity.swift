import Larder
import LarderColumnar

/// Which rows the offline store's source files hold already, by identity — join keys, event time and
/// created time. Late rows are appended as parts of their days rather than by rewriting the days, so a late
/// row taken once (by an earlier run killed before its watermark moved, or by an explicit `materialize` of its
/// interval) must be recognised, not stored twice. Reads only the days of the rows asked about, and builds
/// identities only for stored rows with a matching event time.
enum StoredRowIdentity {
    /// The rows of `rows` (a view's stored schema) that no source file of their days holds.
    static func unstored(_ rows: ColumnBatch, view: FeatureView, store: OfflineStore) throws -> ColumnBatch {
        guard rows.rowCount > 0 else { return rows }
        let indices = try unstoredIndices(rows, view: view, store: store)
        return indices.count == rows.rowCount ? rows : rows.gather(indices)
    }

    /// How many rows of `rows` inside `window` no source file holds (yet).
    static func unstoredCount(_ rows: ColumnBatch, in window: EventInterval, view: FeatureView, store: OfflineStore) throws -> Int {
        guard let micros = rows.column(named: "event_timestamp")?.timestampMicros else { return 0 }
        let inside = (0..<micros.count).filter { window.contains(micros: micros[$0]) }
        guard !inside.isEmpty else { return 0 }
        return try unstoredIndices(rows.gather(inside), view: view, store: store).count
    }

    private static func unstoredIndices(_ rows: ColumnBatch, view: FeatureView, store: OfflineStore) throws -> [Int] {
        let columns = view.joinKeys + ["event_timestamp", "created"]
        guard let micros = rows.column(named: "event_timestamp")?.timestampMicros else { return Array(0..<rows.rowCount) }
        let times = Set(micros)
        var stored = Set<[Value]>()
        for day in Set(micros.map(OfflineStore.dayNumber)).sorted() {
            let start = OfflineStore.dayStart(day)
            guard let batch = try store.read(view: view.name, columns: columns, interval: EventInterval(start: start, end: start.adding(.days(1))),
                                             kinds: [.source]),
                  let storedTimes = batch.column(named: "event_timestamp")?.timestampMicros else { continue }
            let positions = columns.compactMap { batch.schema.names.firstIndex(of: $0) }
            for row in 0..<batch.rowCount where times.contains(storedTimes[row]) {
                stored.insert(positions.map { batch.value(row: row, column: $0) })
            }
        }
        guard !stored.isEmpty else { return Array(0..<rows.rowCount) }
        let own = columns.compactMap { rows.schema.names.firstIndex(of: $0) }
        return (0..<rows.rowCount).filter { row in !stored.contains(own.map { rows.value(row: row, column: $0) }) }
    }
}
