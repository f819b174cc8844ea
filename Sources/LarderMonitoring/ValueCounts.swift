/// Counts of each distinct value on the two sides of a comparison, over the union of the values seen —
/// the `value_counts` tables Evidently builds for χ², the z-test, and Jensen–Shannon/PSI on few values.
/// A value seen on one side only gets a 0 on the other.
struct ValueCounts<Key: Hashable & Comparable>: Sendable where Key: Sendable {
    /// The distinct values, sorted (Evidently's order is a Python set's; only the z-test depends on it,
    /// and it sorts too).
    var keys: [Key]
    var reference: [Int]
    var current: [Int]
    var referenceTotal: Int
    var currentTotal: Int

    init(reference ref: [Key], current cur: [Key]) {
        var index: [Key: Int] = [:]
        for v in ref where index[v] == nil { index[v] = 0 }
        for v in cur where index[v] == nil { index[v] = 0 }
        keys = index.keys.sorted()
        for (i, k) in keys.enumerated() { index[k] = i }
        reference = [Int](repeating: 0, count: keys.count)
        current = [Int](repeating: 0, count: keys.count)
        for v in ref { reference[index[v]!] += 1 }
        for v in cur { current[index[v]!] += 1 }
        referenceTotal = ref.count
        currentTotal = cur.count
    }

    /// Each count over its side's size.
    var referenceShares: [Double] { reference.map { Double($0) / Double(referenceTotal) } }
    var currentShares: [Double] { current.map { Double($0) / Double(currentTotal) } }
}
