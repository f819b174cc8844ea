import LarderColumnar

/// An aggregation view's events grouped by join key and, within a key, in (event time, created, row) order —
/// the order `last` and `last_k` read and the one windows slide along. Events with a null key or a null event
/// time are left out (no query can count them); a null `created` sorts before any other (treated as the
/// earliest creation).
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

    init(keys: [Column], times timeColumn: Column, created createdColumn: Column?) {
        let (index, ids) = JoinKeyIndex.build(storedKeys: keys)
        keyIndex = index
        let n = timeColumn.count
        let t = timeColumn.int64Values
        let c = createdColumn?.int64Values
        var starts = [Int](repeating: 0, count: index.keyCount + 1)
        for i in 0..<n where ids[i] >= 0 && !timeColumn.isNull(i) { starts[Int(ids[i]) + 1] += 1 }
        for k in 0..<index.keyCount { starts[k + 1] += starts[k] }
        var cursor = starts
        var order = [Int32](repeating: 0, count: starts[index.keyCount])
        for i in 0..<n where ids[i] >= 0 && !timeColumn.isNull(i) {
            order[cursor[Int(ids[i])]] = Int32(truncatingIfNeeded: i)
            cursor[Int(ids[i])] += 1
        }
        func createdAt(_ row: Int) -> Int64 {
            guard let c, let column = createdColumn, !column.isNull(row) else { return .min }
            return c[row]
        }
        // Sort each key's events; files are usually in time order already, which the stable sort finds in one pass.
        let keyCount = index.keyCount
        order.withUnsafeMutableBufferPointer { o in
            guard let base = o.baseAddress else { return }
            ParallelChunks.run(count: keyCount, minimumChunk: 256) { keys in
                for k in keys {
                    var group = UnsafeMutableBufferPointer(start: base + starts[k], count: starts[k + 1] - starts[k])
                    group.sort { a, b in
                        let ta = t[Int(a)], tb = t[Int(b)]
                        if ta != tb { return ta < tb }
                        let ca = createdAt(Int(a)), cb = createdAt(Int(b))
                        return ca != cb ? ca < cb : a < b
                    }
                }
            }
        }
        self.starts = starts
        self.order = order
        self.times = order.map { t[Int($0)] }
        self.created = order.map { createdAt(Int($0)) }
    }
}
