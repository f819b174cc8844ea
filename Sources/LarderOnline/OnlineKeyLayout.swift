public import Larder

/// The Redis key of each entity row and the byte encoding of versions and values.
/// The format is documented in the README ("Online store layout"); changing it invalidates stored data.
///
/// ```swift
/// OnlineKeyLayout.key(prefix: "larder", layout: layout, entityKey: [.int64(1001)])
/// // "larder:shop:driver_stats:i1001" as bytes
/// ```
public enum OnlineKeyLayout {
    /// The hash field holding the row's version: event time then created time, 8 bytes each.
    public static let versionField = "_v"
    /// Redis' Lua stack limits one script call to a few thousand arguments.
    public static let maximumFeatures = 3_000

    /// `<prefix>:<project>:<view>:`, the start of every key of a view.
    static func keyPrefix(_ prefix: String, layout: OnlineViewLayout) -> [UInt8] {
        Array("\(prefix):\(layout.project):\(layout.view):".utf8)
    }

    /// The key of one entity row of a view: `<prefix>:<project>:<view>:<entity key>`.
    public static func key(prefix: String, layout: OnlineViewLayout, entityKey: [Value]) throws(OnlineStoreError) -> [UInt8] {
        var key = keyPrefix(prefix, layout: layout)
        if let null = appendEntityKey(entityKey, to: &key) {
            throw OnlineStoreError(kind: .invalidRows, view: layout.view, feature: layout.joinKeys[null],
                                   message: "a null join key value cannot address an online row")
        }
        return key
    }

    /// Appends a whole entity key, its values separated by `|`; returns the position of the first null value
    /// (which cannot address a row), nil when every value was appended.
    static func appendEntityKey(_ values: [Value], to key: inout [UInt8]) -> Int? {
        for (k, value) in values.enumerated() {
            if k > 0 { key.append(UInt8(ascii: "|")) }
            guard appendEntityValue(value, to: &key) else { return k }
        }
        return nil
    }

    /// Appends one join key value: `i<decimal>` for integers (int32 and int64 alike), `s<len>:<utf8>`,
    /// `b<len>:<bytes>`, `t`/`f`, `T<microseconds>`, `d<16 hex digits of the float64 bits>`.
    /// Returns `false` for null.
    @discardableResult
    static func appendEntityValue(_ value: Value, to key: inout [UInt8]) -> Bool {
        switch value {
        case .null: return false
        case .bool(let b): key.append(b ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case .int32(let v): appendTagged("i", Int64(v), to: &key)
        case .int64(let v): appendTagged("i", v, to: &key)
        case .timestamp(let t): appendTagged("T", t.microsecondsSinceEpoch, to: &key)
        case .float32(let v): appendFloat(Double(v), to: &key)
        case .float64(let v): appendFloat(v, to: &key)
        case .string(let s): appendLengthPrefixed("s", Array(s.utf8), to: &key)
        case .bytes(let b): appendLengthPrefixed("b", b, to: &key)
        }
        return true
    }

    /// Appends the join key value of `column` at `row` (the same spelling as ``appendEntityValue``).
    static func appendEntityValue(_ column: OnlineColumn, row: Int, to key: inout [UInt8]) {
        switch column {
        case .int64(let v, _): appendTagged("i", v[row], to: &key)
        case .int32(let v, _): appendTagged("i", Int64(v[row]), to: &key)
        case .string(let v, _):
            var s = v[row]
            s.withUTF8 { utf8 in
                key.append(UInt8(ascii: "s"))
                appendDecimal(Int64(utf8.count), to: &key)
                key.append(UInt8(ascii: ":"))
                key.append(contentsOf: utf8)
            }
        default: appendEntityValue(column[row], to: &key)
        }
    }

    private static func appendTagged(_ tag: Unicode.Scalar, _ value: Int64, to key: inout [UInt8]) {
        key.append(UInt8(ascii: tag))
        appendDecimal(value, to: &key)
    }

    private static func appendLengthPrefixed(_ tag: Unicode.Scalar, _ bytes: [UInt8], to key: inout [UInt8]) {
        key.append(UInt8(ascii: tag))
        appendDecimal(Int64(bytes.count), to: &key)
        key.append(UInt8(ascii: ":"))
        key.append(contentsOf: bytes)
    }

    private static func appendFloat(_ value: Double, to key: inout [UInt8]) {
        key.append(UInt8(ascii: "d"))
        // -0.0 and 0.0 compare equal, so they must address the same row.
        let bits = (value == 0 ? 0.0 : value).bitPattern
        for shift in stride(from: 60, through: 0, by: -4) {
            let nibble = UInt8((bits >> UInt64(shift)) & 0xF)
            key.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
        }
    }

    static func appendDecimal(_ value: Int64, to key: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let length = withUnsafeMutableBytes(of: &digits) { RedisPipeline.writeDecimal(value, into: $0) }
        withUnsafeBytes(of: &digits) { key.append(contentsOf: $0[..<length]) }
    }

    /// Writes the 16-byte version: event time then created time, each as a big-endian Int64 with the
    /// sign bit flipped, so comparing the bytes left to right orders by (event, created) — the Lua
    /// script compares versions byte by byte, independent of Lua number precision and locale.
    static func writeVersion(event: Int64, created: Int64, into target: UnsafeMutableRawBufferPointer) {
        let flip: UInt64 = 1 << 63
        target.storeBytes(of: (UInt64(bitPattern: event) ^ flip).bigEndian, toByteOffset: 0, as: UInt64.self)
        target.storeBytes(of: (UInt64(bitPattern: created) ^ flip).bigEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// The event time in a stored version, or `nil` when the bytes are not a version.
    static func eventTime(fromVersion bytes: UnsafeRawBufferPointer) -> Timestamp? {
        guard bytes.count == 16 else { return nil }
        let raw = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) ^ (1 << 63)
        return Timestamp(microsecondsSinceEpoch: Int64(bitPattern: raw))
    }
}
