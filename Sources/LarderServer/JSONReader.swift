import Larder

/// A pull reader over JSON text: the caller walks the document and says what it expects at each step.
///
/// The lookup route reads its small, fixed-shape body this way instead of through Foundation's
/// `JSONDecoder`, which was the largest single cost of a one-row lookup (about a tenth of the server's
/// CPU): no intermediate objects, no `Codable` containers, and errors that know the field they are in.
///
/// Nothing it allocates is sized by a count or length written in the text: nesting is capped at
/// ``maximumDepth``, numbers are parsed in place however many digits they have, and strings and lists
/// hold at most what their own text holds — so memory stays proportional to the body, which the server
/// caps (`--max-body`).
///
/// ```swift
/// var reader = JSONReader(Array(#"{"ids": [1, 2]}"#.utf8))
/// var ids: [Int64] = []
/// try reader.readObject { reader, key in
///     if key == "ids" { try reader.readArray { reader, _ in ids.append(try reader.readInt64() ?? 0) } }
///     else { try reader.skipValue() }
/// }
/// try reader.finish()
/// ```
struct JSONReader {
    /// What the next value is.
    enum Kind: String { case object, array, string, number, bool = "boolean", null }

    /// Why reading stopped: the text is not JSON (`syntax`), or it is JSON of the wrong shape (`shape`).
    struct Failure: Error, CustomStringConvertible {
        enum Kind { case syntax, shape }
        var kind: Kind
        var message: String
        var description: String { message }
    }

    /// Nesting deeper than this is refused, so a hostile body cannot exhaust the stack in ``skipValue()``.
    static let maximumDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The kind of the next value, without consuming it.
    mutating func peek() throws(Failure) -> Kind {
        skipWhitespace()
        guard index < bytes.count else { throw syntax("the text ends where a value should be") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: throw syntax("unexpected character '\(Unicode.Scalar(bytes[index]))'")
        }
    }

    /// Reads an object, calling `member` with each key; `member` must read or skip the value.
    mutating func readObject(_ member: (inout JSONReader, String) throws(Failure) -> Void) throws(Failure) {
        try enter(UInt8(ascii: "{"))
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { depth -= 1; return }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw syntax("expected a key in quotes") }
            let key = try readString()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw syntax("expected ':' after the key \"\(key)\"") }
            try member(&self, key)
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { depth -= 1; return }
            throw syntax("expected ',' or '}' in an object")
        }
    }

    /// Reads an array, calling `element` with each position; `element` must read or skip the value.
    mutating func readArray(_ element: (inout JSONReader, Int) throws(Failure) -> Void) throws(Failure) {
        try enter(UInt8(ascii: "["))
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { depth -= 1; return }
        var position = 0
        while true {
            try element(&self, position)
            position += 1
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) { depth -= 1; return }
            throw syntax("expected ',' or ']' in a list")
        }
    }

    /// Reads a string, decoding escapes.
    mutating func readString() throws(Failure) -> String {
        skipWhitespace()
        guard consume(UInt8(ascii: "\"")) else { throw syntax("expected a string") }
        let start = index
        // Fast path: no escapes, the common case for keys, feature names and ids.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw syntax("a control character inside a string must be escaped") }
            index += 1
        }
        var scalars = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"): try readEscape(into: &scalars)
            case 0..<0x20: throw syntax("a control character inside a string must be escaped")
            default: scalars.append(byte)
            }
        }
        throw syntax("a string is not closed")
    }

    /// Reads a number; returns it when it is an integer that fits in 64 bits, `nil` for any other number.
    mutating func readInt64() throws(Failure) -> Int64? {
        skipWhitespace()
        let start = index
        _ = consume(UInt8(ascii: "-"))
        let digitsStart = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        guard index > digitsStart else { throw syntax("expected a number") }
        if bytes[digitsStart] == UInt8(ascii: "0"), index - digitsStart > 1 { throw syntax("a number may not start with 0") }
        let digitsEnd = index
        var isInteger = true
        if consume(UInt8(ascii: ".")) {
            isInteger = false
            let fraction = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > fraction else { throw syntax("expected digits after '.'") }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            isInteger = false
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            let exponent = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > exponent else { throw syntax("expected digits in the exponent") }
        }
        guard isInteger else { return nil }
        return Self.integer(bytes, digits: digitsStart..<digitsEnd, negative: digitsStart > start)
    }

    /// Reads a number: `.int64` when it is an integer that fits in 64 bits, else `.float64` (a finite one).
    mutating func readNumber() throws(Failure) -> Value {
        skipWhitespace()
        let start = index
        if let integer = try readInt64() { return .int64(integer) }
        guard let double = Double(String(decoding: bytes[start..<index], as: UTF8.self)), double.isFinite else {
            throw shape("the number \(String(decoding: bytes[start..<index].prefix(40), as: UTF8.self)) is out of range")
        }
        return .float64(double)
    }

    /// The digits' value, or `nil` past 64 bits: accumulated negatively so `Int64.min` fits, stopping at
    /// the first overflow (a million-digit number costs no allocation and no more than its scan).
    private static func integer(_ bytes: [UInt8], digits: Range<Int>, negative: Bool) -> Int64? {
        var value: Int64 = 0
        for i in digits {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(Int64(bytes[i] &- UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    mutating func readBool() throws(Failure) -> Bool {
        if consumeWord("true") { return true }
        if consumeWord("false") { return false }
        throw syntax("expected true or false")
    }

    mutating func readNull() throws(Failure) {
        guard consumeWord("null") else { throw syntax("expected null") }
    }

    /// Reads the next value with `read`, unless its text is byte for byte `previous.text` — then it is
    /// stepped over and `previous.value` returned, decoding nothing. Returns the value with its text.
    ///
    /// For values a client repeats on every request (a lookup's feature list). Only arrays, objects and
    /// strings are matched: their text ends itself, so equal bytes at this position are the same value.
    mutating func read<T>(reusing previous: (text: [UInt8], value: T)?,
                          _ read: (inout JSONReader) throws(Failure) -> T) throws(Failure) -> (text: [UInt8], value: T) {
        let kind = try peek()
        let start = index
        if let previous, kind == .array || kind == .object || kind == .string,
           bytes.count - start >= previous.text.count, bytes[start ..< start + previous.text.count].elementsEqual(previous.text) {
            index = start + previous.text.count
            return previous
        }
        let value = try read(&self)
        return (Array(bytes[start ..< index]), value)
    }

    /// Reads and discards the next value, checking its syntax.
    mutating func skipValue() throws(Failure) {
        switch try peek() {
        case .object: try readObject { reader, _ throws(Failure) in try reader.skipValue() }
        case .array: try readArray { reader, _ throws(Failure) in try reader.skipValue() }
        case .string: _ = try readString()
        case .number: _ = try readInt64()
        case .bool: _ = try readBool()
        case .null: try readNull()
        }
    }

    /// Checks that nothing but whitespace follows the document.
    mutating func finish() throws(Failure) {
        skipWhitespace()
        guard index == bytes.count else { throw syntax("unexpected text after the end of the document") }
    }

    /// A shape error for `path`, e.g. `features: expected a list of strings, found a string`.
    func shape(_ message: String) -> Failure { Failure(kind: .shape, message: message) }

    /// A syntax error at the current position, with its line and column (both from 1).
    func syntax(_ message: String) -> Failure {
        var line = 1
        var column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return Failure(kind: .syntax, message: "\(message) at line \(line), column \(column)")
    }

    private mutating func enter(_ opening: UInt8) throws(Failure) {
        skipWhitespace()
        guard consume(opening) else { throw syntax("expected '\(Unicode.Scalar(opening))'") }
        depth += 1
        guard depth <= Self.maximumDepth else { throw syntax("values are nested more than \(Self.maximumDepth) deep") }
    }

    private mutating func readEscape(into scalars: inout [UInt8]) throws(Failure) {
        guard index < bytes.count else { throw syntax("a string is not closed") }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escaped)
        case UInt8(ascii: "b"): scalars.append(8)
        case UInt8(ascii: "f"): scalars.append(12)
        case UInt8(ascii: "n"): scalars.append(10)
        case UInt8(ascii: "r"): scalars.append(13)
        case UInt8(ascii: "t"): scalars.append(9)
        case UInt8(ascii: "u"):
            var code = try readHex4()
            if (0xD800..<0xDC00).contains(code) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")) else { throw syntax("a \\u surrogate pair is incomplete") }
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw syntax("a \\u surrogate pair is invalid") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                throw syntax("a lone \\u low surrogate")
            }
            scalars.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
        default:
            throw syntax("unknown escape '\\\(Unicode.Scalar(escaped))'")
        }
    }

    private mutating func readHex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw syntax("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw syntax("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func consumeWord(_ word: StaticString) -> Bool {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        if matches { index += count }
        return matches
    }
}
