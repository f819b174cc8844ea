import LarderColumnar

/// An entity row position with its time T: one element of a key's group of entity rows.
struct TimedRow {
    var time: Int64
    var row: Int32
}

/// Finds, for every entity row, the stored row the join picks in one view: same key id, event time <= T and
/// >= T - ttl, greatest (event time, created, stored position).
///
/// The stored side is usually much larger than the entity side (7.3 M stored rows, 1 M entity rows at scale M),
/// so the stored rows are never sorted by time: only the entity rows are put in order, and each stored row finds
/// the entity rows it could serve:
/// 1. Counting sort of entity rows by key id (O(E + k)), visiting them in T order (``EntityTimeOrder``, sorted
///    once for all views) so that each key's group comes out sorted by (T, row).
/// 2. Counting sort of stored rows by key id (O(n + k)); rows with a null key or event time, or a key no entity
///    row asks for, are dropped here.
/// 3. Per key, each stored row binary-searches its group for the first entity row with T >= its event time
///    (O(n log g)), and keeps the greatest candidate per slot. A stored row then serves that entity row and every
///    later one in the group, so a running maximum over the group (O(E)) yields each entity row's latest stored
///    row at or before T. The ttl is one comparison on that winner: every other candidate is older.
/// Keys are independent, so step 3 runs in parallel over key ranges; a key's stored rows and entity group
/// stay in cache while it is processed. Extra memory: 32 bytes per entity row, 12 per stored row.
///
/// Order among candidates with equal event time: a null `created` is lowest, then `created` ascending, then stored
/// position ascending, so the row stored last wins a complete tie.
///
/// ```swift
/// let rows = AsOfMatcher.winners(storedKeyIds: ids, keyCount: index.keyCount, storedTimes: ts, created: created,
///                                entityKeyIds: entityIds, entityTimes: orderTimes,
///                                entityTimeOrder: EntityTimeOrder(orderTimes), ttl: 86_400_000_000)
/// ```
enum AsOfMatcher {
    /// The winning stored row for each entity row, -1 for none.
    static func winners(
        storedKeyIds: [Int32], keyCount: Int, storedTimes: Column, created: Column?,
        entityKeyIds: [Int32], entityTimes: Column, entityTimeOrder: EntityTimeOrder, ttl: Int64?
    ) -> [Int32] {
        precondition(storedKeyIds.count < Int(Int32.max) && entityKeyIds.count < Int(Int32.max),
                     "the join indexes rows with 32-bit positions")
        var winners = [Int32](repeating: -1, count: entityKeyIds.count)
        let entities = EntityGroups(keyIds: entityKeyIds, times: entityTimes, keyCount: keyCount, timeOrder: entityTimeOrder)
        if entities.rows.isEmpty { return winners }
        let stored = StoredBuckets(keyIds: storedKeyIds, times: storedTimes, keyCount: keyCount, wanted: entities.starts)
        let order = CandidateOrder(created: created)

        var bestTimes = [Int64](repeating: 0, count: entities.rows.count)
        var bestRows = [Int32](repeating: -1, count: entities.rows.count)
        winners.withUnsafeMutableBufferPointer { out in
        bestTimes.withUnsafeMutableBufferPointer { bestTime in
        bestRows.withUnsafeMutableBufferPointer { bestRow in
        entities.rows.withUnsafeBufferPointer { group in
        entities.starts.withUnsafeBufferPointer { groupStarts in
        stored.times.withUnsafeBufferPointer { storedTime in
        stored.rows.withUnsafeBufferPointer { storedRow in
        stored.starts.withUnsafeBufferPointer { bucketStarts in
            let buffers = MatchBuffers(
                group: group, groupStarts: groupStarts, storedTime: storedTime, storedRow: storedRow,
                bucketStarts: bucketStarts, bestTime: bestTime, bestRow: bestRow, winners: out)
            ParallelChunks.run(count: keyCount, minimumChunk: 64) { keys in
                for k in keys { matchKey(k, buffers, order: order, ttl: ttl) }
            }
        }}}}}}}}
        return winners
    }

    /// Matches key `k`'s stored rows with its entity rows (see the type's step 3).
    @inline(__always)
    private static func matchKey(_ k: Int, _ b: MatchBuffers, order: CandidateOrder, ttl: Int64?) {
        let g0 = b.groupStarts[k], g1 = b.groupStarts[k + 1]
        if g0 == g1 { return }
        let group = b.group.baseAddress! + g0
        // Each stored row lands on the first entity row it can serve (T >= its event time). The lower bound is
        // branchless (the comparison is unpredictable), and four stored rows are searched in lockstep: every
        // search in this group takes the same steps, so the four dependency chains overlap in the CPU.
        let length = g1 - g0
        @inline(__always) func lowerBound(_ t: Int64, from base: Int) -> Int { base + (group[base].time < t ? 1 : 0) }
        @inline(__always) func offer(_ index: Int, _ t: Int64, _ row: Int32) {
            let slot = g0 + index
            if slot == g1 { return }
            if b.bestRow[slot] < 0 || order.precedes(b.bestTime[slot], b.bestRow[slot], t, row) {
                b.bestTime[slot] = t
                b.bestRow[slot] = row
            }
        }
        var j = b.bucketStarts[k]
        let end = b.bucketStarts[k + 1]
        while j + 4 <= end {
            let t0 = b.storedTime[j], t1 = b.storedTime[j + 1], t2 = b.storedTime[j + 2], t3 = b.storedTime[j + 3]
            var base0 = 0, base1 = 0, base2 = 0, base3 = 0
            var remaining = length
            while remaining > 1 {
                let half = remaining >> 1
                base0 = group[base0 &+ half].time < t0 ? base0 &+ half : base0
                base1 = group[base1 &+ half].time < t1 ? base1 &+ half : base1
                base2 = group[base2 &+ half].time < t2 ? base2 &+ half : base2
                base3 = group[base3 &+ half].time < t3 ? base3 &+ half : base3
                remaining &-= half
            }
            offer(lowerBound(t0, from: base0), t0, b.storedRow[j])
            offer(lowerBound(t1, from: base1), t1, b.storedRow[j + 1])
            offer(lowerBound(t2, from: base2), t2, b.storedRow[j + 2])
            offer(lowerBound(t3, from: base3), t3, b.storedRow[j + 3])
            j += 4
        }
        while j < end {
            let t = b.storedTime[j]
            var base = 0, remaining = length
            while remaining > 1 {
                let half = remaining >> 1
                base = group[base &+ half].time < t ? base &+ half : base
                remaining &-= half
            }
            offer(lowerBound(t, from: base), t, b.storedRow[j])
            j += 1
        }
        // Running maximum: entity row i is served by every slot <= i.
        var runTime: Int64 = 0, runRow: Int32 = -1
        for i in g0..<g1 {
            let slotRow = b.bestRow[i]
            if slotRow >= 0 && (runRow < 0 || order.precedes(runTime, runRow, b.bestTime[i], slotRow)) {
                runTime = b.bestTime[i]
                runRow = slotRow
            }
            guard runRow >= 0 else { continue }
            if let ttl {
                let (oldest, overflow) = b.group[i].time.subtractingReportingOverflow(ttl)
                if !overflow && runTime < oldest { continue }
            }
            b.winners[Int(b.group[i].row)] = runRow
        }
    }
}

/// The matcher's arrays as raw buffers for the per-key loop; valid only inside ``AsOfMatcher/winners``. Chunks
/// of keys run concurrently: each key writes only its own entity group's slots and its own entity rows' winners.
private struct MatchBuffers {
    let group: UnsafeBufferPointer<TimedRow>
    let groupStarts: UnsafeBufferPointer<Int>
    let storedTime: UnsafeBufferPointer<Int64>
    let storedRow: UnsafeBufferPointer<Int32>
    let bucketStarts: UnsafeBufferPointer<Int>
    let bestTime: UnsafeMutableBufferPointer<Int64>
    let bestRow: UnsafeMutableBufferPointer<Int32>
    let winners: UnsafeMutableBufferPointer<Int32>
}

/// The tie-break among stored rows with equal event time: null `created` lowest, then `created`, then position.
private struct CandidateOrder: Sendable {
    let created: [Int64]
    let createdValid: NullMask
    let hasCreated: Bool

    init(created column: Column?) {
        created = column?.int64Values ?? []
        createdValid = NullMask(column?.validity, negativeIsNull: false)
        hasCreated = column != nil
    }

    /// Whether stored row `aRow` (event time `aTime`) ranks below `bRow` (event time `bTime`).
    @inline(__always)
    func precedes(_ aTime: Int64, _ aRow: Int32, _ bTime: Int64, _ bRow: Int32) -> Bool {
        if aTime != bTime { return aTime < bTime }
        if hasCreated {
            let a = Int(aRow), b = Int(bRow)
            let aValid = createdValid.isValid(a, 0), bValid = createdValid.isValid(b, 0)
            if aValid != bValid { return bValid }
            if aValid && created[a] != created[b] { return created[a] < created[b] }
        }
        return aRow < bRow
    }
}
