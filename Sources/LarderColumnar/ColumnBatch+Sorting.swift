import Dispatch
import Larder

// Multi-key stable sorting. Fixed-width keys (ints, floats, bools, timestamps) use an LSD radix sort
// (linear time, stable, skips byte positions that are equal in every row): this is the hot path of the
// point-in-time join (sort by entity key, then event time). String/bytes keys fall back to a comparison sort.

extension ColumnBatch {
    /// The row order that sorts the batch by `keys` (first key most significant). Stable: equal rows
    /// keep their relative order. Nulls sort first in both directions.
    public func sortIndices(by keys: [SortKey]) throws(ColumnarError) -> [Int] {
        var resolved: [(Column, Bool)] = []
        for k in keys {
            guard let c = column(named: k.column) else { throw .unknownColumn(k.column, available: schema.names) }
            resolved.append((c, k.descending))
        }
        return Self.sortIndices(columns: resolved, rowCount: rowCount)
    }

    static func sortIndices(columns keys: [(Column, Bool)], rowCount: Int) -> [Int] {
        var perm = Array(0..<rowCount)
        if keys.isEmpty || rowCount < 2 { return perm }
        if keys.allSatisfy({ $0.0.type != .string && $0.0.type != .bytes }) {
            if let composite = compositeKey(keys, rowCount: rowCount) {
                // All keys fit in one 64-bit integer: a single radix sort, no per-key passes.
                var scratch = RadixScratch(keys: composite)
                scratch.radixPasses(&perm)
                return perm
            }
            var scratch = RadixScratch(count: rowCount)
            for (column, descending) in keys.reversed() {
                scratch.sort(&perm, by: column, descending: descending)
            }
            return perm
        }
        let comparators = keys.map { makeComparator($0.0, descending: $0.1) }
        perm.sort { a, b in
            for c in comparators {
                let r = c(a, b)
                if r != 0 { return r < 0 }
            }
            return a < b
        }
        return perm
    }
}

/// Packs all sort keys of each row into one `UInt64` (most significant key in the high bits) when their
/// value ranges fit: each key contributes `value - min + 1` (or `max - value + 1` descending) and 0 for
/// null, so nulls sort first. Returns nil when the ranges need more than 64 bits.
private func compositeKey(_ keys: [(Column, Bool)], rowCount n: Int) -> [UInt64]? {
    var parts: [([UInt64], UInt64, UInt64, Int)] = []  // (ordered values, min, max, bits)
    var totalBits = 0
    for (column, _) in keys {
        let values = orderedValues(column)
        var lo = UInt64.max, hi = UInt64.min
        values.withUnsafeBufferPointer { v in
            if let validity = column.validity {
                for i in 0..<n where validity[i] {
                    lo = min(lo, v[i])
                    hi = max(hi, v[i])
                }
            } else {
                for x in v {
                    lo = min(lo, x)
                    hi = max(hi, x)
                }
            }
        }
        if lo > hi { (lo, hi) = (0, 0) }  // all null
        let span = hi - lo
        guard span < UInt64.max else { return nil }
        let bits = UInt64.bitWidth - (span + 1).leadingZeroBitCount
        totalBits += bits
        guard totalBits <= 64 else { return nil }
        parts.append((values, lo, hi, bits))
    }
    var composite = [UInt64](repeating: 0, count: n)
    composite.withUnsafeMutableBufferPointer { out in
        for ((column, descending), (values, lo, hi, bits)) in zip(keys, parts) {
            values.withUnsafeBufferPointer { v in
                let shift = UInt64(bits)
                let validity = column.validity
                for i in 0..<n {
                    var part: UInt64 = descending ? hi &- v[i] &+ 1 : v[i] &- lo &+ 1
                    if let validity, !validity[i] { part = 0 }
                    out[i] = (bits == 64 ? 0 : out[i] << shift) | part
                }
            }
        }
    }
    return composite
}

/// A fixed-width column's values as unsigned integers with the same order, in row order.
private func orderedValues(_ column: Column) -> [UInt64] {
    switch column.storage {
    case .int64(let v): return v.map { UInt64(bitPattern: $0) ^ (1 << 63) }
    case .int32(let v): return v.map { UInt64(UInt32(bitPattern: $0) ^ (1 << 31)) }
    case .float64(let v): return v.map(orderedBits)
    case .float32(let v): return v.map { orderedBits(Double($0)) }
    case .bool(let v): return v.map { $0 ? 1 : 0 }
    case .binary: preconditionFailure("orderedValues on a string/bytes column")
    }
}

/// Reusable buffers for the radix passes.
private struct RadixScratch {
    var keys: [UInt64]
    var keysTmp: [UInt64]
    var permTmp: [Int]

    init(count: Int) {
        keys = [UInt64](repeating: 0, count: count)
        keysTmp = keys
        permTmp = [Int](repeating: 0, count: count)
    }

    init(keys: [UInt64]) {
        self.keys = keys
        keysTmp = [UInt64](repeating: 0, count: keys.count)
        permTmp = [Int](repeating: 0, count: keys.count)
    }

    /// Stable-sorts `perm` by `column`, rows in the current `perm` order.
    mutating func sort(_ perm: inout [Int], by column: Column, descending: Bool) {
        let n = perm.count
        perm.withUnsafeBufferPointer { p in
            keys.withUnsafeMutableBufferPointer { k in
                switch column.storage {
                case .int64(let v): v.withUnsafeBufferPointer { v in for j in 0..<n { k[j] = UInt64(bitPattern: v[p[j]]) ^ (1 << 63) } }
                case .int32(let v): v.withUnsafeBufferPointer { v in for j in 0..<n { k[j] = UInt64(UInt32(bitPattern: v[p[j]]) ^ (1 << 31)) } }
                case .float64(let v): v.withUnsafeBufferPointer { v in for j in 0..<n { k[j] = orderedBits(v[p[j]]) } }
                case .float32(let v): v.withUnsafeBufferPointer { v in for j in 0..<n { k[j] = orderedBits(Double(v[p[j]])) } }
                case .bool(let v): v.withUnsafeBufferPointer { v in for j in 0..<n { k[j] = v[p[j]] ? 1 : 0 } }
                case .binary: preconditionFailure("radix sort on a string/bytes column")
                }
                if descending { for j in 0..<n { k[j] = ~k[j] } }
            }
        }
        radixPasses(&perm)
        // Nulls first: a final stable pass on the null flag alone.
        if let validity = column.validity {
            perm.withUnsafeBufferPointer { p in
                keys.withUnsafeMutableBufferPointer { k in
                    for j in 0..<n { k[j] = validity[p[j]] ? 1 : 0 }
                }
            }
            radixPasses(&perm)
        }
    }

    /// LSD radix over six 11-bit digits, skipping digits where every key has the same value. Large inputs
    /// are split into chunks that count and scatter in parallel (each chunk owns disjoint output slots).
    mutating func radixPasses(_ perm: inout [Int]) {
        let n = perm.count
        let chunks = n >= 1 << 16 ? 8 : 1
        let chunkSize = (n + chunks - 1) / chunks
        let digitBits = 11, radix = 1 << 11, digits = 6
        let mask = UInt64(radix - 1)
        // Global histograms of every digit decide which passes can be skipped.
        var total = [Int](repeating: 0, count: digits * radix)
        keys.withUnsafeBufferPointer { k in
            total.withUnsafeMutableBufferPointer { c in
                for j in 0..<n {
                    var x = k[j]
                    for d in 0..<digits {
                        c[d * radix + Int(x & mask)] += 1
                        x >>= UInt64(digitBits)
                    }
                }
            }
        }
        var counts = [Int](repeating: 0, count: chunks * radix)
        for d in 0..<digits {
            if total[(d * radix)..<(d * radix + radix)].contains(n) { continue }
            let shift = UInt64(d * digitBits)
            keys.withUnsafeMutableBufferPointer { k in
                keysTmp.withUnsafeMutableBufferPointer { kt in
                    perm.withUnsafeMutableBufferPointer { p in
                        permTmp.withUnsafeMutableBufferPointer { pt in
                            counts.withUnsafeMutableBufferPointer { c in
                                let buffers = RadixBuffers(keys: k.baseAddress!, keysOut: kt.baseAddress!, perm: p.baseAddress!,
                                                           permOut: pt.baseAddress!, counts: c.baseAddress!)
                                // Per-chunk digit counts.
                                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                                    let cnt = buffers.counts + chunk * radix
                                    cnt.update(repeating: 0, count: radix)
                                    for j in (chunk * chunkSize)..<min(n, (chunk + 1) * chunkSize) {
                                        cnt[Int((buffers.keys[j] >> shift) & mask)] += 1
                                    }
                                }
                                // Turn counts into each chunk's first output slot per bucket (bucket-major).
                                var running = 0
                                for b in 0..<radix {
                                    for chunk in 0..<chunks {
                                        let at = chunk * radix + b
                                        let count = c[at]
                                        c[at] = running
                                        running += count
                                    }
                                }
                                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                                    let slots = buffers.counts + chunk * radix
                                    for j in (chunk * chunkSize)..<min(n, (chunk + 1) * chunkSize) {
                                        let key = buffers.keys[j]
                                        let b = Int((key >> shift) & mask)
                                        let at = slots[b]
                                        slots[b] = at + 1
                                        buffers.keysOut[at] = key
                                        buffers.permOut[at] = buffers.perm[j]
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keysTmp)
            swap(&perm, &permTmp)
        }
    }
}

/// Raw views of the radix buffers shared by the chunk tasks, which touch disjoint slots only.
private struct RadixBuffers: @unchecked Sendable {
    let keys: UnsafeMutablePointer<UInt64>
    let keysOut: UnsafeMutablePointer<UInt64>
    let perm: UnsafeMutablePointer<Int>
    let permOut: UnsafeMutablePointer<Int>
    let counts: UnsafeMutablePointer<Int>
}

/// Maps a double to an unsigned integer with the same order (negative numbers flipped).
@inline(__always)
private func orderedBits(_ d: Double) -> UInt64 {
    let bits = (d == 0 ? 0.0 : d).bitPattern  // -0 == +0
    return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
}

/// A three-way comparison of two rows of `column` (nulls first, then by value in `descending` order).
func makeComparator(_ column: Column, descending: Bool) -> (Int, Int) -> Int {
    let valueCompare: (Int, Int) -> Int
    switch column.storage {
    case .int64(let v): valueCompare = { v[$0] < v[$1] ? -1 : (v[$0] > v[$1] ? 1 : 0) }
    case .int32(let v): valueCompare = { v[$0] < v[$1] ? -1 : (v[$0] > v[$1] ? 1 : 0) }
    case .float64(let v): valueCompare = { a, b in let x = orderedBits(v[a]), y = orderedBits(v[b]); return x < y ? -1 : (x > y ? 1 : 0) }
    case .float32(let v): valueCompare = { a, b in let x = orderedBits(Double(v[a])), y = orderedBits(Double(v[b])); return x < y ? -1 : (x > y ? 1 : 0) }
    case .bool(let v): valueCompare = { v[$0] == v[$1] ? 0 : (v[$0] ? 1 : -1) }
    case .binary(let offsets, let bytes):
        valueCompare = { a, b in
            bytes.withUnsafeBytes { raw in
                let la = offsets[a + 1] - offsets[a], lb = offsets[b + 1] - offsets[b]
                let r = memcmpPrefix(raw.baseAddress! + offsets[a], raw.baseAddress! + offsets[b], min(la, lb))
                return r != 0 ? r : (la < lb ? -1 : (la > lb ? 1 : 0))
            }
        }
    }
    let validity = column.validity
    return { a, b in
        if let validity {
            let va = validity[a], vb = validity[b]
            if va != vb { return va ? 1 : -1 }
            if !va { return 0 }
        }
        let r = valueCompare(a, b)
        return descending ? -r : r
    }
}

@inline(__always)
private func memcmpPrefix(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Int {
    for i in 0..<n {
        let x = a.load(fromByteOffset: i, as: UInt8.self), y = b.load(fromByteOffset: i, as: UInt8.self)
        if x != y { return x < y ? -1 : 1 }
    }
    return 0
}
