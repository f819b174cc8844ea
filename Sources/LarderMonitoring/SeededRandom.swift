/// A small deterministic random generator for the sketches (Steele, Lea & Flood's SplitMix64): the same
/// seed gives the same stream on every platform and Swift version, and its whole state is one `UInt64`,
/// so a sketch that is saved and loaded again goes on with the same choices it would have made.
/// (LarderMonitoring depends on nothing, so it does not borrow `Larder.SplitMix64`.)
///
/// ```swift
/// var random = SeededRandom(seed: 7)
/// random.next()                 // a 64-bit value
/// random.integer(below: 10)     // in 0..<10, without modulo bias
/// random.uniform()              // in [0, 1)
/// ```
package struct SeededRandom: RandomNumberGenerator, Sendable, Equatable, Codable {
    package private(set) var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return ValueHash.finalize(state)
    }

    /// Uniform in `0..<bound` (Lemire's multiply-and-reject). `bound` must be positive.
    package mutating func integer(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "integer(below:) needs a positive bound")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }

    /// `integer(below:)` for `Int` bounds.
    package mutating func index(below bound: Int) -> Int {
        Int(integer(below: UInt64(bound)))
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    package mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A fair coin.
    package mutating func bit() -> Bool {
        next() >> 63 == 1
    }

    package init(from decoder: any Decoder) throws {
        state = try ValueHash.decodeWord(from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        try ValueHash.encodeWord(state, to: encoder)
    }
}
