/// The 64-bit hash the distinct counts use: FNV-1a over the value's bytes, then the SplitMix64 finaliser
/// (Stafford's "mix 13") so that every input bit reaches every output bit — FNV alone leaves the high
/// bits, which pick the HyperLogLog register, poorly mixed for short inputs. A number is hashed by its
/// IEEE bit pattern straight through the finaliser (a bijection, so distinct doubles never collide), with
/// −0.0 taken as 0.0 since they compare equal. Strings hash their UTF-8 bytes (so canonically equivalent
/// but differently encoded strings count as two values).
///
/// ```swift
/// ValueHash.hash(1.5) == ValueHash.hash(1.5)       // true, on every platform and run
/// ValueHash.hash("café") != ValueHash.hash("cafe") // true
/// ```
package enum ValueHash {
    /// The SplitMix64 output function: a bijective avalanche mix of 64 bits.
    @inline(__always)
    package static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    package static func hash(_ value: Double) -> UInt64 {
        finalize((value == 0 ? 0.0 : value).bitPattern &+ 0x9E37_79B9_7F4A_7C15)
    }

    package static func hash(_ value: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in value.utf8 {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return finalize(h)
    }

    /// A `UInt64` as a string of decimal digits: JSON readers that hold numbers as doubles (JavaScript,
    /// SQLite's json functions) would round it otherwise.
    static func encodeWord(_ word: UInt64, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(word))
    }

    static func decodeWord(from decoder: any Decoder) throws -> UInt64 {
        let container = try decoder.singleValueContainer()
        guard let word = UInt64(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 64-bit unsigned integer")
        }
        return word
    }
}
