/// An open-addressing hash map from byte strings (string or bytes join keys) to dense ids `0..<count`,
/// handed out in first-insertion order.
///
/// Each distinct key's bytes are copied once into one contiguous buffer; a slot holds the key's 64-bit hash
/// and id, so a probe compares bytes only when the hashes are equal.
///
/// ```swift
/// var map = BinaryKeyMap()
/// "alice".utf8.withContiguousStorageIfAvailable { map.insert(UnsafeRawBufferPointer($0)) }   // 0
/// ```
struct BinaryKeyMap: Sendable {
    private var slotHashes: [UInt64]
    /// -1 marks an empty slot.
    private var slotIds: [Int32]
    /// Key `id` is `keyBytes[keyOffsets[id]..<keyOffsets[id + 1]]`.
    private var keyOffsets: [Int] = [0]
    private var keyBytes: [UInt8] = []

    var count: Int { keyOffsets.count - 1 }

    init(expectedCount: Int = 0) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slotHashes = [UInt64](repeating: 0, count: capacity)
        slotIds = [Int32](repeating: -1, count: capacity)
    }

    /// A fast 64-bit hash of `bytes`: 8-byte words folded with a multiply-rotate, then a murmur3 finalizer.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = rotateLeft29((h ^ word) &* 0x9E37_79B9_7F4A_7C15)
            i += 8
        }
        if i < bytes.count {
            var tail: UInt64 = 0
            for j in i..<bytes.count { tail |= UInt64(bytes[j]) << UInt64((j - i) * 8) }
            h = rotateLeft29((h ^ tail) &* 0x9E37_79B9_7F4A_7C15)
        }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    @inline(__always)
    private func equals(id: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = keyOffsets[Int(id)], end = keyOffsets[Int(id) + 1]
        guard end - start == bytes.count else { return false }
        return keyBytes.withUnsafeBytes { stored in
            bytes.count == 0 || memoryEquals(stored.baseAddress! + start, bytes.baseAddress!, bytes.count)
        }
    }

    /// The id of `bytes`, or -1 when they were never inserted.
    func find(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let h = Self.hash(bytes)
        let mask = slotIds.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slotIds[s]
            if id < 0 { return -1 }
            if slotHashes[s] == h && equals(id: id, bytes) { return id }
            s = (s + 1) & mask
        }
    }

    /// The id of `bytes`, giving them the next id when they are new.
    @discardableResult
    mutating func insert(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if (count + 1) * 2 > slotIds.count { grow() }
        let h = Self.hash(bytes)
        let mask = slotIds.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slotIds[s]
            if id < 0 { break }
            if slotHashes[s] == h && equals(id: id, bytes) { return id }
            s = (s + 1) & mask
        }
        let newId = Int32(count)
        slotIds[s] = newId
        slotHashes[s] = h
        keyBytes.append(contentsOf: bytes)
        keyOffsets.append(keyBytes.count)
        return newId
    }

    private mutating func grow() {
        let oldHashes = slotHashes, oldIds = slotIds
        let capacity = oldIds.count * 2
        slotHashes = [UInt64](repeating: 0, count: capacity)
        slotIds = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for i in 0..<oldIds.count where oldIds[i] >= 0 {
            var s = Int(truncatingIfNeeded: oldHashes[i]) & mask
            while slotIds[s] >= 0 { s = (s + 1) & mask }
            slotIds[s] = oldIds[i]
            slotHashes[s] = oldHashes[i]
        }
    }
}

@inline(__always)
private func rotateLeft29(_ x: UInt64) -> UInt64 { (x << 29) | (x >> 35) }

@inline(__always)
private func memoryEquals(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
