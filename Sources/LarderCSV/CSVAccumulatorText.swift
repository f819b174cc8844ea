/// Byte helpers for text and bytes fields: an ASCII fast check (so UTF-8 validation only runs on fields
/// that need it) and hexadecimal decoding for `bytes` columns.
enum CSVAccumulatorText {
    @inline(__always)
    static func isASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        // Eight bytes at a time: any byte with its top bit set is non-ASCII.
        while i + 8 <= n {
            let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if p[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    /// Decodes `[0x|0X]hexdigits` (an even number of digits) and appends the bytes; false if malformed.
    static func appendHex(_ p: UnsafePointer<UInt8>, _ n: Int, to out: inout [UInt8]) -> Bool {
        var i = 0
        if n >= 2, p[0] == UInt8(ascii: "0"), p[1] | 0x20 == UInt8(ascii: "x") { i = 2 }
        guard (n - i) % 2 == 0 else { return false }
        let mark = out.count
        while i < n {
            guard let high = nibble(p[i]), let low = nibble(p[i + 1]) else {
                out.removeSubrange(mark...)
                return false
            }
            out.append(high << 4 | low)
            i += 2
        }
        return true
    }

    @inline(__always)
    private static func nibble(_ c: UInt8) -> UInt8? {
        if c &- 48 < 10 { return c &- 48 }
        let lower = c | 0x20
        if lower &- 97 < 6 { return lower &- 87 }
        return nil
    }
}
