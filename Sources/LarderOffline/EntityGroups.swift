import LarderColumnar

/// Entity rows grouped by key id, each group in (T, row) order; rows with a null key or T are left out.
///
/// The rows are scattered in `timeOrder` (a stable sort of all entity rows by T, shared by every view), so a
/// stable counting sort by key id leaves each group sorted without sorting it.
///
/// ```swift
/// let groups = EntityGroups(keyIds: [1, 0, 1], times: Column(timestampMicros: [9, 5, 3]), keyCount: 2,
///                           timeOrder: EntityTimeOrder(Column(timestampMicros: [9, 5, 3])))
/// // groups.starts == [0, 1, 3]; groups.rows: (5, row 1) | (3, row 2), (9, row 0)
/// ```
struct EntityGroups {
    /// Group `k` is `rows[starts[k]..<starts[k + 1]]`.
    let starts: [Int]
    let rows: [TimedRow]

    init(keyIds: [Int32], times: Column, keyCount: Int, timeOrder: EntityTimeOrder) {
        let n = keyIds.count
        let t = times.int64Values
        let valid = NullMask(times.validity, negativeIsNull: false)
        var starts = [Int](repeating: 0, count: keyCount + 1)
        for i in 0..<n where keyIds[i] >= 0 && valid.isValid(i, 0) { starts[Int(keyIds[i]) + 1] += 1 }
        for k in 0..<keyCount { starts[k + 1] += starts[k] }
        var cursor = starts
        var rows = [TimedRow](repeating: TimedRow(time: 0, row: 0), count: starts[keyCount])
        rows.withUnsafeMutableBufferPointer { out in
            cursor.withUnsafeMutableBufferPointer { c in
                keyIds.withUnsafeBufferPointer { ids in
                    timeOrder.forEachRow { i in
                        let k = Int(ids[i])
                        guard k >= 0 && valid.isValid(i, 0) else { return }
                        out[c[k]] = TimedRow(time: t[i], row: Int32(truncatingIfNeeded: i))
                        c[k] += 1
                    }
                }
            }
        }
        self.starts = starts
        self.rows = rows
    }
}
