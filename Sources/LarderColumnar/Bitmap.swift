/// A bit-packed set of flags, one per row; used as a column's validity (bit set = value present).
///
/// A column whose validity is `nil` has no nulls, so the common all-valid case costs nothing.
///
/// ```swift
/// var valid = Bitmap(count: 3, allSet: true)
/// valid[1] = false
/// valid.setCount        // 2
/// ```
public struct Bitmap: Sendable, Hashable {
    /// Little-endian bit order: row `i` is bit `i % 64` of word `i / 64`. Bits past `count` are always 0.
    public private(set) var words: [UInt64]
    public private(set) var count: Int

    public init(count: Int, allSet: Bool) {
        precondition(count >= 0, "Bitmap count must not be negative")
        self.count = count
        let wordCount = (count + 63) >> 6
        words = [UInt64](repeating: allSet ? ~0 : 0, count: wordCount)
        if allSet { clearTail() }
    }

    /// A bitmap from one flag per row.
    public init<S: Sequence>(_ bits: S) where S.Element == Bool {
        self.init(count: 0, allSet: false)
        for bit in bits { append(bit) }
    }

    /// Builds from raw words (bits past `count` are cleared).
    public init(words: [UInt64], count: Int) {
        precondition(words.count >= (count + 63) >> 6, "Bitmap needs \((count + 63) >> 6) words for \(count) bits")
        self.words = Array(words.prefix((count + 63) >> 6))
        self.count = count
        clearTail()
    }

    private mutating func clearTail() {
        let rem = count & 63
        if rem != 0 { words[words.count - 1] &= (UInt64(1) << UInt64(rem)) &- 1 }
    }

    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < count, "Bitmap index \(index) out of range 0..<\(count)")
            return words[index >> 6] & (UInt64(1) << UInt64(index & 63)) != 0
        }
        set {
            precondition(index >= 0 && index < count, "Bitmap index \(index) out of range 0..<\(count)")
            if newValue {
                words[index >> 6] |= UInt64(1) << UInt64(index & 63)
            } else {
                words[index >> 6] &= ~(UInt64(1) << UInt64(index & 63))
            }
        }
    }

    public mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        if bit { words[count >> 6] |= UInt64(1) << UInt64(count & 63) }
        count += 1
    }

    /// Appends `n` copies of `bit`, a word at a time.
    public mutating func append(repeating bit: Bool, count n: Int) {
        var remaining = n
        while remaining > 0 && count & 63 != 0 {
            append(bit)
            remaining -= 1
        }
        let fullWords = remaining >> 6
        if fullWords > 0 {
            words.append(contentsOf: repeatElement(bit ? ~UInt64(0) : 0, count: fullWords))
            count += fullWords << 6
            remaining -= fullWords << 6
        }
        while remaining > 0 {
            append(bit)
            remaining -= 1
        }
    }

    /// Appends all bits of `other`.
    public mutating func append(contentsOf other: Bitmap) {
        if count & 63 == 0 {
            words.append(contentsOf: other.words)
            count += other.count
            return
        }
        for i in 0..<other.count { append(other[i]) }
    }

    /// Number of set bits (for a validity bitmap: the number of non-null rows).
    public var setCount: Int {
        var n = 0
        for w in words { n += w.nonzeroBitCount }
        return n
    }

    /// Whether every bit is set.
    public var allSet: Bool { setCount == count }

    /// The bits in `range`.
    public func slice(_ range: Range<Int>) -> Bitmap {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "Bitmap slice \(range) out of range 0..<\(count)")
        if range.lowerBound & 63 == 0 {
            let first = range.lowerBound >> 6
            let last = (range.upperBound + 63) >> 6
            return Bitmap(words: Array(words[first..<last]), count: range.count)
        }
        var out = Bitmap(count: range.count, allSet: false)
        for (o, i) in range.enumerated() where self[i] { out[o] = true }
        return out
    }

    /// The bits at `indices`, in that order.
    public func gather(_ indices: [Int]) -> Bitmap {
        var out = Bitmap(count: indices.count, allSet: false)
        words.withUnsafeBufferPointer { src in
            out.words.withUnsafeMutableBufferPointer { dst in
                for (o, i) in indices.enumerated() {
                    precondition(i >= 0 && i < count, "gather index \(i) out of range 0..<\(count)")
                    if src[i >> 6] & (UInt64(1) << UInt64(i & 63)) != 0 {
                        dst[o >> 6] |= UInt64(1) << UInt64(o & 63)
                    }
                }
            }
        }
        return out
    }
}
