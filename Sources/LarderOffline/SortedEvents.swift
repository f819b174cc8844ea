import Larder
import LarderColumnar

/// An aggregation view's events grouped by join key and, within a key, in (event time, created, row) order —
/// the order `last` and `last_k` read and the one windows slide along. Events with a null key or a null event
/// time are left out (no query can count them); a null `created` sorts before any other (treated as the
/// earliest creation).
///
/// One stable radix sort of all events by (event time, created) (``ColumnBatch/sortIndices(by:)``), then a
/// stable counting sort by key id, as ``EntityGroups`` does for entity rows: each key's events come out in order
/// without a sort per key.
///
/// ```swift
/// let events = SortedEvents(keys: [trips.column(named: "driver_id")!], times: times, created: created)
/// // events.order[events.starts[k]..<events.starts[k + 1]]: key k's event rows, earliest first
/// ```
struct SortedEvents: Sendable {
    let keyIndex: JoinKeyIndex
    /// Key `k`'s events are positions `starts[k]..<starts[k + 1]`.
    let starts: [Int]
    /// The event row at each position.
    let order: [Int32]
    /// Event times (µs) by position.
    let times: [Int64]
    /// Created times (µs) by position; `Int64.min` for none.
    let created: [Int64]

    init(keys: [Column], times timeColumn: Column, created createdColumn: Column?) throws {
        let (index, ids) = JoinKeyIndex.build(storedKeys: keys)
        keyIndex = index
        let times = [("t", timeColumn)] + (createdColumn.map { [("c", $0)] } ?? [])
        let byTime = try ColumnBatch(schema: Schema(times.map { SchemaField(name: $0.0, type: .timestamp) }), columns: times.map(\.1))
            .sortIndices(by: times.map { SortKey($0.0) })
        let keyCount = index.keyCount
        var starts = [Int](repeating: 0, count: keyCount + 1)
        for i in 0..<ids.count where ids[i] >= 0 && !timeColumn.isNull(i) { starts[Int(ids[i]) + 1] += 1 }
        for k in 0..<keyCount { starts[k + 1] += starts[k] }
        var cursor = starts
        var order = [Int32](repeating: 0, count: starts[keyCount])
        for i in byTime where ids[i] >= 0 && !timeColumn.isNull(i) {
            order[cursor[Int(ids[i])]] = Int32(truncatingIfNeeded: i)
            cursor[Int(ids[i])] += 1
        }
        let t = timeColumn.int64Values, c = createdColumn?.int64Values
        self.starts = starts
        self.order = order
        self.times = order.map { t[Int($0)] }
        self.created = order.map { row in
            guard let c, let createdColumn, !createdColumn.isNull(Int(row)) else { return .min }
            return c[Int(row)]
        }
    }
}
