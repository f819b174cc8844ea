import Larder

/// Seeded, structure-blind mutations of an encoded input: bit flips, bytes set to boundary values,
/// 32-bit little-endian integers (lengths, counts) overwritten with extreme values, varints made huge,
/// insertions, deletions, duplicated ranges and truncation. The same seed gives the same mutations.
///
/// ```swift
/// var mutator = ByteMutator(seed: 7)
/// var bytes = original
/// let touched = mutator.mutate(&bytes)   // the byte range the mutations reached
/// ```
package struct ByteMutator: Sendable {
    var rng: SplitMix64
    /// Bytes that encode typical boundary values: zero, all ones, sign bits, quotes and line breaks.
    static let interestingBytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0x0A, 0x0D, 0x22, 0x2C, 0x2A, 0x24, 0x2D, 0x3A]
    static let interestingInts: [UInt32] = [0, 1, 2, 0x7F, 0x80, 0xFFFF, 0x10000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF]

    package init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    package mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(rng.integer(below: UInt64(n))) }

    /// Applies one to four mutations; returns the lowest and highest offsets they touched in the
    /// original's coordinates (`nil` if none applied), so callers can tell which region changed.
    @discardableResult
    package mutating func mutate(_ bytes: inout [UInt8], within region: Range<Int>? = nil) -> Range<Int>? {
        var low = Int.max, high = Int.min
        for _ in 0..<(1 + below(4)) {
            guard !bytes.isEmpty else { break }
            let range = region ?? 0..<bytes.count
            let at = range.lowerBound + below(range.count)
            low = min(low, at)
            high = max(high, at + 1)
            switch below(region == nil ? 9 : 3) {
            case 0: bytes[at] ^= 1 << UInt8(below(8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2: bytes[at] = Self.interestingBytes[below(Self.interestingBytes.count)]
            case 3:
                let value = below(3) == 0 ? UInt32(truncatingIfNeeded: rng.next()) : Self.interestingInts[below(Self.interestingInts.count)]
                for k in 0..<4 where at + k < bytes.count { bytes[at + k] = UInt8(truncatingIfNeeded: value >> UInt32(8 * k)) }
                high = max(high, at + 4)
            case 4:
                // A varint that decodes to a huge value (lengths and counts in Thrift, RLE and delta headers).
                let length = 1 + below(10)
                for k in 0..<length where at + k < bytes.count { bytes[at + k] = k == length - 1 ? UInt8(below(128)) : 0xFF }
                high = max(high, at + length)
            case 5: bytes.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            case 6: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(16)))
            case 7:
                let end = min(bytes.count, at + 1 + below(32))
                bytes.insert(contentsOf: Array(bytes[at..<end]), at: end)
            default:
                bytes.removeSubrange(at..<bytes.count)
                high = Int.max
            }
        }
        return low <= high && low != Int.max ? low..<max(high, low + 1) : nil
    }
}
