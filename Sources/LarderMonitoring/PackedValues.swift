/// The compact text forms the sketches are stored in (a profile is saved as JSON text in SQLite): bytes
/// as base64 (RFC 4648, with padding), and arrays of doubles as the base64 of their little-endian IEEE bit
/// patterns — exact, about 10.7 characters a value, and the same text for the same values everywhere.
///
/// ```swift
/// let text = PackedValues.encode(doubles: [1, 2.5])   // "AAAAAAAA8D8AAAAAAAAEQA=="
/// PackedValues.decodeDoubles(text)                     // [1.0, 2.5]
/// ```
package enum PackedValues {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    package static func encode(bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil when `text` is not padded base64.
    package static func decodeBytes(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var i = 0
        while i < chars.count {
            var word: UInt32 = 0
            var padding = 0
            for j in 0..<4 {
                let c = chars[i + j]
                if c == UInt8(ascii: "=") && i + 4 == chars.count && j >= 2 {
                    padding += 1
                    word <<= 6
                    continue
                }
                let v = reverse[Int(c)]
                guard v != 0xFF, padding == 0 else { return nil }
                word = word << 6 | UInt32(v)
            }
            out.append(UInt8(word >> 16 & 0xFF))
            if padding < 2 { out.append(UInt8(word >> 8 & 0xFF)) }
            if padding < 1 { out.append(UInt8(word & 0xFF)) }
            i += 4
        }
        return out
    }

    package static func encode(doubles: [Double]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(doubles.count * 8)
        for d in doubles {
            let bits = d.bitPattern
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        }
        return encode(bytes: bytes)
    }

    /// nil when `text` is not base64 of a whole number of doubles.
    package static func decodeDoubles(_ text: String) -> [Double]? {
        guard let bytes = decodeBytes(text), bytes.count % 8 == 0 else { return nil }
        var out: [Double] = []
        out.reserveCapacity(bytes.count / 8)
        for start in stride(from: 0, to: bytes.count, by: 8) {
            var bits: UInt64 = 0
            for j in 0..<8 { bits |= UInt64(bytes[start + j]) << UInt64(8 * j) }
            out.append(Double(bitPattern: bits))
        }
        return out
    }

    /// Decodes a packed array of doubles from a keyed container, as a `DecodingError` when malformed.
    static func decodeDoubles<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> [Double] {
        guard let values = decodeDoubles(try container.decode(String.self, forKey: key)) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not base64 of little-endian doubles")
        }
        return values
    }
}
