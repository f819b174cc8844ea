/// One field as the tokenizer found it: its bytes (unquoted and unescaped), and what ended it.
struct CSVField {
    enum Terminator { case delimiter, endOfRow, endOfData }

    var pointer: UnsafePointer<UInt8>
    var count: Int
    /// The field was enclosed in quotes (so `""` is an empty text, not a null).
    var quoted: Bool
    var terminator: Terminator

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: pointer, count: count) }
}

/// A malformed field, located by its byte position and by the line breaks consumed before it.
struct CSVTokenFailure: Error {
    enum Kind { case unterminatedQuote, quoteInUnquotedField, textAfterClosingQuote }
    var kind: Kind
    /// Line breaks between the tokenizer's start and the failure (for the line number).
    var newlines: Int
    var position: Int
}

/// Splits RFC-4180 CSV bytes into fields without allocating: unquoted fields point into the input,
/// quoted fields with doubled quotes are unescaped into a scratch buffer.
///
/// Row ends are `\n`, `\r\n` or a lone `\r`; each counts as one physical line, as does every `\n` (or
/// lone `\r`) inside a quoted field.
struct CSVTokenizer: ~Copyable {
    let base: UnsafePointer<UInt8>
    let end: Int
    let delimiter: UInt8
    /// Bytes above this value are never special, so the scan loop needs one comparison per byte.
    private let threshold: UInt8
    var position: Int
    /// Physical line breaks consumed so far.
    var newlines = 0
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    static let quote = UInt8(ascii: "\"")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    init(base: UnsafePointer<UInt8>, end: Int, position: Int, delimiter: UInt8) {
        self.base = base
        self.end = end
        self.position = position
        self.delimiter = delimiter
        self.threshold = max(delimiter, CSVTokenizer.quote, CSVTokenizer.carriageReturn)
        scratchCapacity = 256
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit { scratch.deallocate() }

    var atEnd: Bool { position >= end }

    /// Whether the next row is blank (the tokenizer stands on a line break).
    var atBlankLine: Bool {
        position < end && (base[position] == CSVTokenizer.lineFeed || base[position] == CSVTokenizer.carriageReturn)
    }

    /// Consumes one line break.
    mutating func skipLineBreak() {
        if base[position] == CSVTokenizer.carriageReturn, position + 1 < end, base[position + 1] == CSVTokenizer.lineFeed {
            position += 1
        }
        position += 1
        newlines += 1
    }

    @inline(__always)
    mutating func nextField() throws(CSVTokenFailure) -> CSVField {
        let start = position
        if start < end, base[start] == CSVTokenizer.quote { return try quotedField() }
        var i = start
        while i < end {
            i = skipOrdinary(from: i, below: threshold)
            guard i < end else { break }
            let c = base[i]
            if c > threshold {
                i += 1
                continue
            }
            if c == delimiter {
                position = i + 1
                return CSVField(pointer: base + start, count: i - start, quoted: false, terminator: .delimiter)
            }
            if c == CSVTokenizer.lineFeed || c == CSVTokenizer.carriageReturn {
                position = i
                skipLineBreak()
                return CSVField(pointer: base + start, count: i - start, quoted: false, terminator: .endOfRow)
            }
            if c == CSVTokenizer.quote {
                throw CSVTokenFailure(kind: .quoteInUnquotedField, newlines: newlines, position: i)
            }
            i += 1
        }
        position = end
        return CSVField(pointer: base + start, count: end - start, quoted: false, terminator: .endOfData)
    }

    private mutating func quotedField() throws(CSVTokenFailure) -> CSVField {
        let openLines = newlines
        let contentStart = position + 1
        var i = contentStart
        var escapes = false
        var closing = -1
        while i < end {
            i = skipOrdinary(from: i, below: CSVTokenizer.quote)
            guard i < end else { break }
            let c = base[i]
            if c == CSVTokenizer.quote {
                if i + 1 < end, base[i + 1] == CSVTokenizer.quote {
                    escapes = true
                    i += 2
                    continue
                }
                closing = i
                break
            }
            if c == CSVTokenizer.lineFeed {
                newlines += 1
            } else if c == CSVTokenizer.carriageReturn, i + 1 >= end || base[i + 1] != CSVTokenizer.lineFeed {
                newlines += 1
            }
            i += 1
        }
        guard closing >= 0 else {
            throw CSVTokenFailure(kind: .unterminatedQuote, newlines: openLines, position: position)
        }
        var content = UnsafePointer(base + contentStart)
        var count = closing - contentStart
        if escapes { (content, count) = unescape(contentStart, closing) }
        let after = closing + 1
        position = after
        if after >= end {
            return CSVField(pointer: content, count: count, quoted: true, terminator: .endOfData)
        }
        let c = base[after]
        if c == delimiter {
            position = after + 1
            return CSVField(pointer: content, count: count, quoted: true, terminator: .delimiter)
        }
        if c == CSVTokenizer.lineFeed || c == CSVTokenizer.carriageReturn {
            skipLineBreak()
            return CSVField(pointer: content, count: count, quoted: true, terminator: .endOfRow)
        }
        throw CSVTokenFailure(kind: .textAfterClosingQuote, newlines: newlines, position: after)
    }

    /// The first position at or after `i` whose byte is at most `limit` (or `end`), eight bytes at a time:
    /// a word has such a byte when subtracting `limit + 1` from every byte borrows into a byte that had
    /// its top bit clear. Borrows only run upward, so the lowest flagged byte is the first match.
    @inline(__always)
    private func skipOrdinary(from start: Int, below limit: UInt8) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let bound = ones &* UInt64(limit &+ 1)
        var i = start
        while i + 8 <= end {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let hits = (word &- bound) & ~word & highs
            if hits != 0 { return i + hits.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end && base[i] > limit { i += 1 }
        return i
    }

    /// Copies `base[from..<to]` into the scratch buffer with each `""` turned into `"`.
    private mutating func unescape(_ from: Int, _ to: Int) -> (UnsafePointer<UInt8>, Int) {
        if to - from > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(to - from, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
        var out = 0
        var i = from
        while i < to {
            scratch[out] = base[i]
            out += 1
            i += base[i] == CSVTokenizer.quote ? 2 : 1
        }
        return (UnsafePointer(scratch), out)
    }
}
