import Larder

/// Builds JSON text byte by byte; the lookup response is written this way because it is the hot path
/// and its shape is fixed, so no intermediate objects are needed.
struct JSONText {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: String) {
        // Through the contiguous UTF-8 (one copy) rather than `append(contentsOf: text.utf8)`, which
        // walks the view element by element.
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// An integer's decimal digits, written without building a `String`.
    mutating func decimal(_ value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeMutableBufferPointer(rebasing: digits[start...]))
        }
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            // Names and most values need no escaping: copy them whole.
            if !utf8.contains(where: { $0 < 32 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
            } else {
                escape(utf8)
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private mutating func escape(_ utf8: UnsafeBufferPointer<UInt8>) {
        for c in utf8 {
            switch c {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 10: bytes.append(contentsOf: [92, 110])
            case 13: bytes.append(contentsOf: [92, 114])
            case 9: bytes.append(contentsOf: [92, 116])
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: bytes.append(c)
            }
        }
    }

    /// `items` as a JSON array, `element` writing each one.
    mutating func array<C: Collection>(_ items: C, _ element: (inout JSONText, C.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            element(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A feature value as JSON: numbers, booleans, strings, null; bytes as base-16 text, timestamps ISO-8601.
    mutating func value(_ v: Value) {
        switch v {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .int32(let i): decimal(Int64(i))
        case .int64(let i): decimal(i)
        case .float32(let f): f.isFinite ? raw(String(f)) : raw("null")
        case .float64(let d): d.isFinite ? raw(String(d)) : raw("null")
        case .string(let s): string(s)
        case .bytes(let b):
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(UInt8(ascii: "\""))
            for x in b { bytes.append(hex[Int(x >> 4)]); bytes.append(hex[Int(x & 15)]) }
            bytes.append(UInt8(ascii: "\""))
        case .timestamp(let t):
            bytes.append(UInt8(ascii: "\""))
            t.appendISO8601(to: &bytes, fractionalDigits: 6)
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
