import LarderColumnar

/// The distinct values of a string/bytes column range and each present row's index into them, built
/// with an open-addressing hash table over byte slices (no per-row `String`). Gives up (returns nil)
/// once the distinct values exceed `byteLimit`, so the chunk is written PLAIN instead.
struct BinaryDictionary {
    private(set) var offsets: [Int] = [0]
    private(set) var bytes: [UInt8] = []
    /// One entry per present (non-null) row of the range.
    private(set) var indices: [UInt32] = []
    var count: Int { offsets.count - 1 }

    init?(offsets source: [Int], bytes data: [UInt8], validity: Bitmap?, range: Range<Int>, byteLimit: Int) {
        var capacity = 1024
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes: [UInt64] = []
        indices.reserveCapacity(range.count)
        var failed = false
        data.withUnsafeBufferPointer { d in
            source.withUnsafeBufferPointer { o in
                for row in range {
                    if let validity, !validity[row] { continue }
                    let s = o[row], e = o[row + 1]
                    let h = Self.hash(d, s, e)
                    var slot = Int(truncatingIfNeeded: h) & (capacity - 1)
                    while true {
                        let k = Int(slots[slot])
                        if k < 0 {
                            // New distinct value.
                            if bytes.count + (e - s) + 4 * (count + 1) > byteLimit {
                                failed = true
                                return
                            }
                            let id = count
                            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: d[s..<e]))
                            offsets.append(bytes.count)
                            hashes.append(h)
                            slots[slot] = Int32(id)
                            indices.append(UInt32(id))
                            if count * 2 > capacity {
                                capacity *= 2
                                slots = Self.rehash(hashes, capacity: capacity)
                            }
                            break
                        }
                        if hashes[k] == h && Self.equal(d, s, e, bytes, offsets[k], offsets[k + 1]) {
                            indices.append(UInt32(k))
                            break
                        }
                        slot = (slot + 1) & (capacity - 1)
                    }
                }
            }
        }
        if failed { return nil }
    }

    private static func rehash(_ hashes: [UInt64], capacity: Int) -> [Int32] {
        var slots = [Int32](repeating: -1, count: capacity)
        for (k, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(k)
        }
        return slots
    }

    /// FNV-1a, then a final mix so the low bits used for slots are well spread.
    @inline(__always)
    private static func hash(_ d: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in s..<e { h = (h ^ UInt64(d[i])) &* 0x100_0000_01b3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    @inline(__always)
    private static func equal(_ d: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ dict: [UInt8], _ ds: Int, _ de: Int) -> Bool {
        guard e - s == de - ds else { return false }
        return dict.withUnsafeBufferPointer { b in
            for i in 0..<(e - s) where d[s + i] != b[ds + i] { return false }
            return true
        }
    }
}
