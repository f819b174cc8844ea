/// An open-addressing hash map from `Int64` keys to dense ids `0..<count`, handed out in first-insertion order.
///
/// Used for join keys whose values span too wide a range to index directly. Linear probing over two parallel
/// arrays (keys, ids) with Fibonacci hashing keeps a probe to one or two cache lines; the table is kept at most
/// half full.
///
/// ```swift
/// var map = Int64KeyMap()
/// map.insert(1_000_000_007)   // 0
/// map.insert(42)              // 1
/// map.find(42)                // 1
/// map.find(7)                 // -1
/// ```
struct Int64KeyMap: Sendable {
    private var slotKeys: [Int64]
    /// -1 marks an empty slot.
    private var slotIds: [Int32]
    private var shift: UInt64
    private(set) var count = 0

    init(expectedCount: Int = 0) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slotKeys = [Int64](repeating: 0, count: capacity)
        slotIds = [Int32](repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    @inline(__always)
    private func slot(of key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The id of `key`, or -1 when it was never inserted.
    @inline(__always)
    func find(_ key: Int64) -> Int32 {
        let mask = slotIds.count - 1
        var s = slot(of: key)
        return slotIds.withUnsafeBufferPointer { ids in
            slotKeys.withUnsafeBufferPointer { keys in
                while true {
                    let id = ids[s]
                    if id < 0 || keys[s] == key { return id }
                    s = (s + 1) & mask
                }
            }
        }
    }

    /// The id of `key`, giving it the next id when it is new.
    @discardableResult
    mutating func insert(_ key: Int64) -> Int32 {
        if (count + 1) * 2 > slotIds.count { grow() }
        let mask = slotIds.count - 1
        var s = slot(of: key)
        let newId = Int32(count)
        let (id, inserted) = slotIds.withUnsafeMutableBufferPointer { ids in
            slotKeys.withUnsafeMutableBufferPointer { keys -> (Int32, Bool) in
                while true {
                    let id = ids[s]
                    if id < 0 {
                        ids[s] = newId
                        keys[s] = key
                        return (newId, true)
                    }
                    if keys[s] == key { return (id, false) }
                    s = (s + 1) & mask
                }
            }
        }
        if inserted { count += 1 }
        return id
    }

    private mutating func grow() {
        let oldKeys = slotKeys, oldIds = slotIds
        let capacity = oldIds.count * 2
        slotKeys = [Int64](repeating: 0, count: capacity)
        slotIds = [Int32](repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        let mask = capacity - 1
        for i in 0..<oldIds.count where oldIds[i] >= 0 {
            var s = slot(of: oldKeys[i])
            while slotIds[s] >= 0 { s = (s + 1) & mask }
            slotIds[s] = oldIds[i]
            slotKeys[s] = oldKeys[i]
        }
    }
}
