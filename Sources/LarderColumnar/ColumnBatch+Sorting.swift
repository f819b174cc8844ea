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

    /// LSD radix over 8 byte positions, skipping positions where every key has the same byte.
    mutating func radixPasses(_ perm: inout [Int]) {
        let n = perm.count
        var counts = [Int](repeating: 0, count: 8 * 256)
        keys.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                for j in 0..<n {
                    var x = k[j]
                    for b in 0..<8 {
                        c[b << 8 | Int(x & 0xFF)] += 1
                        x >>= 8
                    }
                }
            }
        }
        for b in 0..<8 {
            let base = b << 8
            if counts[base..<base + 256].contains(n) { continue }
            var offsets = [Int](repeating: 0, count: 256)
            var running = 0
            for d in 0..<256 {
                offsets[d] = running
                running += counts[base + d]
            }
            let shift = UInt64(b * 8)
            keys.withUnsafeBufferPointer { k in
                keysTmp.withUnsafeMutableBufferPointer { kt in
                    perm.withUnsafeBufferPointer { p in
                        permTmp.withUnsafeMutableBufferPointer { pt in
                            offsets.withUnsafeMutableBufferPointer { o in
                                for j in 0..<n {
                                    let d = Int((k[j] >> shift) & 0xFF)
                                    let at = o[d]
                                    o[d] = at + 1
                                    kt[at] = k[j]
                                    pt[at] = p[j]
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

/// Maps a double to an unsigned integer with the same order (negative numbers flipped).
@inline(__always)
private func orderedBits(_ d: Double) -> UInt64 {
    let bits = (d == 0 ? 0.0 : d).bitPattern  // -0 == +0
    return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
}

/// A three-way comparison of two rows of `column` (nulls first, then by value in `descending` order).
private func makeComparator(_ column: Column, descending: Bool) -> (Int, Int) -> Int {
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
