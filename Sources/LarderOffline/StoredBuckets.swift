import LarderColumnar

/// Stored rows' event times and positions grouped by key id with a counting sort, keeping only rows whose key
/// some entity row asks for and whose key and event time are not null.
///
/// Large inputs are counted and scattered in parallel chunks, each with its own histogram, so a chunk's rows of a
/// key land after the previous chunk's: the result is the same stable order as a sequential counting sort.
///
/// ```swift
/// let buckets = StoredBuckets(keyIds: ids, times: eventTimes, keyCount: 3, wanted: entityGroups.starts)
/// // key k's rows: buckets.times[buckets.starts[k]..<buckets.starts[k + 1]], likewise buckets.rows
/// ```
struct StoredBuckets {
    /// Bucket `k` is positions `starts[k]..<starts[k + 1]` of `times` and `rows`.
    let starts: [Int]
    let times: [Int64]
    let rows: [Int32]

    /// Rows per chunk below which one thread does it all.
    static let minimumChunk = 1 << 15

    /// `wanted[k + 1] > wanted[k]` when key `k` has entity rows.
    init(keyIds: [Int32], times column: Column, keyCount: Int, wanted: [Int]) {
        let n = keyIds.count
        let valid = NullMask(column.validity, negativeIsNull: false)
        // Per-chunk histograms cost keyCount words each: only split when that is small next to the rows.
        let chunkCount = keyCount <= n / 16 ? max(1, min(4, n / Self.minimumChunk)) : 1
        // counts[c * keyCount + k]: rows of key k in chunk c; turned into chunk c's write cursor for key k.
        var cursors = [Int](repeating: 0, count: chunkCount * keyCount)
        keyIds.withUnsafeBufferPointer { ids in
            wanted.withUnsafeBufferPointer { w in
                cursors.withUnsafeMutableBufferPointer { counts in
                    ParallelChunks.forEach(chunkCount) { c in
                        let histogram = counts.baseAddress! + c * keyCount
                        for i in ParallelChunks.bounds(c, of: chunkCount, count: n) {
                            let k = Int(ids[i])
                            if k >= 0 && w[k + 1] > w[k] && valid.isValid(i, 0) { histogram[k] += 1 }
                        }
                    }
                }
            }
        }
        var starts = [Int](repeating: 0, count: keyCount + 1)
        var total = 0
        for k in 0..<keyCount {
            starts[k] = total
            for c in 0..<chunkCount {
                let count = cursors[c * keyCount + k]
                cursors[c * keyCount + k] = total
                total += count
            }
        }
        starts[keyCount] = total

        var times = [Int64](repeating: 0, count: total)
        var rows = [Int32](repeating: 0, count: total)
        let t = column.int64Values
        keyIds.withUnsafeBufferPointer { ids in
        wanted.withUnsafeBufferPointer { w in
        t.withUnsafeBufferPointer { t in
        times.withUnsafeMutableBufferPointer { outTimes in
        rows.withUnsafeMutableBufferPointer { outRows in
        cursors.withUnsafeMutableBufferPointer { allCursors in
            ParallelChunks.forEach(chunkCount) { c in
                let cursor = allCursors.baseAddress! + c * keyCount
                for i in ParallelChunks.bounds(c, of: chunkCount, count: n) {
                    let k = Int(ids[i])
                    guard k >= 0 && w[k + 1] > w[k] && valid.isValid(i, 0) else { continue }
                    let p = cursor[k]
                    outTimes[p] = t[i]
                    outRows[p] = Int32(truncatingIfNeeded: i)
                    cursor[k] = p + 1
                }
            }
        }}}}}}
        self.starts = starts
        self.times = times
        self.rows = rows
    }
}
