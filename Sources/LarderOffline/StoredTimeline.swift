import LarderColumnar

/// A view's stored rows bucketed by key id, each bucket ordered by (event time, created, row position), ascending;
/// answers "which stored row is the latest at or before T for this key" with one binary search.
///
/// Building it is a counting sort by key id (stable, O(n + keys)), then a check of each bucket's order and a
/// comparison sort only of the buckets that are out of order (O(n log b) for buckets of size b, O(n) when the
/// source is already sorted by time). Rows with a null key or a null event time are left out: they can never match.
///
/// Order within a bucket is the tie-break of the join: among rows with the greatest event time <= T, the last
/// one in bucket order wins, that is the greatest `created` (a null `created` sorts below every value) and, when
/// event time and `created` are both equal, the row stored last (greatest position in the stored batch).
///
/// ```swift
/// let timeline = StoredTimeline(keyIds: ids, keyCount: index.keyCount, eventTimes: ts, created: created)
/// let rows = timeline.winners(entityKeyIds: entityIds, entityTimes: orderTimes, ttl: 86_400_000_000)
/// ```
struct StoredTimeline: Sendable {
    /// Bucket `k` is positions `runStarts[k]..<runStarts[k + 1]` of `eventTimes` and `rows`.
    private let runStarts: [Int]
    private let eventTimes: [Int64]
    private let rows: [Int32]

    init(keyIds: [Int32], keyCount: Int, eventTimes: Column, created: Column?) {
        precondition(keyIds.count < Int(Int32.max), "stored rows are indexed with 32-bit positions")
        let n = keyIds.count
        let times = eventTimes.int64Values
        let timeValid = NullMask(eventTimes.validity, negativeIsNull: false)

        var starts = [Int](repeating: 0, count: keyCount + 1)
        for i in 0..<n where keyIds[i] >= 0 && timeValid.isValid(i, 0) { starts[Int(keyIds[i]) + 1] += 1 }
        for k in 0..<keyCount { starts[k + 1] += starts[k] }
        let total = starts[keyCount]

        var cursor = Array(starts.dropLast())
        var sortedTimes = [Int64](repeating: 0, count: total)
        var sortedRows = [Int32](repeating: 0, count: total)
        keyIds.withUnsafeBufferPointer { ids in
            times.withUnsafeBufferPointer { t in
                sortedTimes.withUnsafeMutableBufferPointer { st in
                    sortedRows.withUnsafeMutableBufferPointer { sr in
                        cursor.withUnsafeMutableBufferPointer { c in
                            for i in 0..<n {
                                let k = Int(ids[i])
                                guard k >= 0 && timeValid.isValid(i, 0) else { continue }
                                let p = c[k]
                                st[p] = t[i]
                                sr[p] = Int32(truncatingIfNeeded: i)
                                c[k] = p + 1
                            }
                        }
                        Self.sortRuns(starts: starts, times: st, rows: sr, created: created)
                    }
                }
            }
        }
        runStarts = starts
        self.eventTimes = sortedTimes
        self.rows = sortedRows
    }

    /// One bucket entry while it is being sorted.
    private struct Entry {
        var time: Int64
        var created: Int64
        var row: Int32
        var hasCreated: Bool

        @inline(__always)
        static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            if a.time != b.time { return a.time < b.time }
            if a.hasCreated != b.hasCreated { return !a.hasCreated }
            if a.created != b.created { return a.created < b.created }
            return a.row < b.row
        }
    }

    /// Sorts each bucket by (time, created, row); the counting sort already left each bucket in row order.
    private static func sortRuns(
        starts: [Int], times timesBase: UnsafeMutableBufferPointer<Int64>, rows rowsBase: UnsafeMutableBufferPointer<Int32>,
        created: Column?
    ) {
        let keyCount = starts.count - 1
        let createdValues = created?.int64Values ?? []
        let createdValid = NullMask(created?.validity, negativeIsNull: false)
        let hasCreatedColumn = created != nil
        createdValues.withUnsafeBufferPointer { cv in
            starts.withUnsafeBufferPointer { s in
                ParallelChunks.run(count: keyCount, minimumChunk: 256) { keys in
                    // The `created` order of a row: (present, value); a null created sorts lowest.
                    @inline(__always) func createdKey(_ row: Int32) -> (Bool, Int64) {
                        guard hasCreatedColumn else { return (false, 0) }
                        let r = Int(row)
                        return createdValid.isValid(r, 0) ? (true, cv[r]) : (false, 0)
                    }
                    var scratch: [Entry] = []
                    for k in keys {
                        let lo = s[k], hi = s[k + 1]
                        if hi - lo < 2 { continue }
                        var sorted = true
                        for p in (lo + 1)..<hi {
                            let a = timesBase[p - 1], b = timesBase[p]
                            if a < b { continue }
                            if a > b { sorted = false; break }
                            let ca = createdKey(rowsBase[p - 1]), cb = createdKey(rowsBase[p])
                            if ca.0 && !cb.0 || ca.0 == cb.0 && ca.1 > cb.1 { sorted = false; break }
                        }
                        if sorted { continue }
                        scratch.removeAll(keepingCapacity: true)
                        for p in lo..<hi {
                            let c = createdKey(rowsBase[p])
                            scratch.append(Entry(time: timesBase[p], created: c.1, row: rowsBase[p], hasCreated: c.0))
                        }
                        scratch.withUnsafeMutableBufferPointer { $0.sort(by: Entry.precedes) }
                        for (j, e) in scratch.enumerated() {
                            timesBase[lo + j] = e.time
                            rowsBase[lo + j] = e.row
                        }
                    }
                }
            }
        }
    }

    /// For each entity row, the stored row that the join picks: the last in its key's bucket with event time
    /// <= T, provided its event time is >= T - ttl; -1 when there is none (or the key id or T is null).
    /// O(log b) per entity row (binary search in a bucket of size b); entity rows are processed in parallel.
    func winners(entityKeyIds: [Int32], entityTimes: Column, ttl: Int64?) -> [Int32] {
        let n = entityKeyIds.count
        let times = entityTimes.int64Values
        let timeValid = NullMask(entityTimes.validity, negativeIsNull: false)
        return [Int32](unsafeUninitializedCapacity: n) { out, initialized in
            let outBase = out.baseAddress
            entityKeyIds.withUnsafeBufferPointer { ids in
                times.withUnsafeBufferPointer { t in
                    runStarts.withUnsafeBufferPointer { s in
                        eventTimes.withUnsafeBufferPointer { et in
                            rows.withUnsafeBufferPointer { r in
                                ParallelChunks.run(count: n, minimumChunk: 1 << 15) { range in
                                    for i in range {
                                        outBase![i] = Self.winner(
                                            keyId: ids[i], time: t[i], timeIsValid: timeValid.isValid(i, 0),
                                            ttl: ttl, starts: s, eventTimes: et, rows: r)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = n
        }
    }

    @inline(__always)
    private static func winner(
        keyId: Int32, time: Int64, timeIsValid: Bool, ttl: Int64?,
        starts: UnsafeBufferPointer<Int>, eventTimes: UnsafeBufferPointer<Int64>, rows: UnsafeBufferPointer<Int32>
    ) -> Int32 {
        guard keyId >= 0 && timeIsValid else { return -1 }
        var lo = starts[Int(keyId)]
        let start = lo
        var count = starts[Int(keyId) + 1] - lo
        // Upper bound: the first position whose event time is > T.
        while count > 0 {
            let half = count >> 1
            if eventTimes[lo + half] <= time {
                lo += half + 1
                count -= half + 1
            } else {
                count = half
            }
        }
        if lo == start { return -1 }
        let found = lo - 1
        if let ttl {
            let (oldest, overflow) = time.subtractingReportingOverflow(ttl)
            if !overflow && eventTimes[found] < oldest { return -1 }
        }
        return rows[found]
    }
}
