import LarderColumnar

/// Receives the fields of each row, by header position (0-based).
protocol CSVRowSink: Sendable {
    mutating func take(_ field: CSVField, at index: Int) throws(CSVValueProblem)
    /// The memory the sink holds now (array capacities), charged to the read's ``DecodeBudget``.
    var heldBytes: Int { get }
}

/// A failure inside a chunk, located relative to the chunk's start until the chunk is known to begin at a
/// true row boundary (only then is it reported).
struct CSVChunkFailure {
    var kind: CSVError.Kind
    /// Line breaks between the chunk's start and the failure.
    var newlines: Int
    /// 0-based header position of the field, if the failure concerns one.
    var fieldIndex: Int?
    var found: String?
    var expected: String
}

/// The result of parsing the rows that start in one byte range.
struct CSVChunkOutcome<Sink: CSVRowSink> {
    var sink: Sink
    var rows = 0
    var start: Int
    /// Where parsing stopped: after the last complete row (or at the failure).
    var end: Int
    /// Line breaks consumed in `start..<end`.
    var newlines = 0
    var failure: CSVChunkFailure?
    /// Bytes of the sink reserved in the read's budget (released if the outcome is discarded).
    var charged = 0
}

/// The row loop: tokenizes the rows that begin in `start..<limit`, finishing the last one even past
/// `limit`, and hands every field to the sink.
enum CSVChunkParser {
    /// Pages of a memory-mapped file behind the cursor are dropped every this many bytes, so the
    /// process holds only the parsed columns, not the whole file.
    static let releaseInterval = 16 << 20
    /// The sink's memory is charged to the budget every this many bytes of input (and at the end), so a
    /// read stops within a few MiB of its limit.
    static let budgetInterval = 1 << 20

    static func parse<Sink: CSVRowSink>(
        _ data: CSVBytes, start: Int, limit: Int, fieldCount: Int, delimiter: UInt8, sink: Sink, budget: DecodeBudget
    ) -> CSVChunkOutcome<Sink> {
        var outcome = CSVChunkOutcome(sink: sink, start: start, end: start)
        var t = CSVTokenizer(base: data.base, end: data.count, position: start, delimiter: delimiter)
        var released = start
        var charged = start
        if !charge(&outcome, budget) {
            outcome.failure = limitFailure(budget, newlines: 0)
            return outcome
        }
        rows: while t.position < limit && !t.atEnd {
            if fieldCount > 1 && t.atBlankLine {
                t.skipLineBreak()
                continue
            }
            let rowLines = t.newlines
            var index = 0
            while true {
                let fieldLines = t.newlines
                let field: CSVField
                do throws(CSVTokenFailure) {
                    field = try t.nextField()
                } catch {
                    outcome.failure = tokenFailure(error, data: data, fieldIndex: index)
                    break rows
                }
                if index == fieldCount {
                    outcome.failure = tooManyFields(&t, rowLines: rowLines, fieldCount: fieldCount, last: field)
                    break rows
                }
                do throws(CSVValueProblem) {
                    try outcome.sink.take(field, at: index)
                } catch {
                    outcome.failure = CSVChunkFailure(
                        kind: error.kind, newlines: fieldLines, fieldIndex: index,
                        found: CSVError.excerpt(field.bytes), expected: error.expected)
                    break rows
                }
                index += 1
                if field.terminator != .delimiter { break }
            }
            if index < fieldCount {
                outcome.failure = CSVChunkFailure(
                    kind: .fieldCount, newlines: rowLines, fieldIndex: index, found: nil,
                    expected: "\(fieldCount) fields as in the header, found \(index); add the missing fields (empty for null) or quote fields that contain the delimiter")
                break rows
            }
            outcome.rows += 1
            if data.isMapped && t.position - released >= releaseInterval {
                data.release(from: released, to: t.position)
                released = t.position
            }
            if t.position - charged >= budgetInterval {
                charged = t.position
                if !charge(&outcome, budget) {
                    outcome.failure = limitFailure(budget, newlines: rowLines)
                    break rows
                }
            }
        }
        if outcome.failure == nil, !charge(&outcome, budget) { outcome.failure = limitFailure(budget, newlines: t.newlines) }
        outcome.end = t.position
        outcome.newlines = t.newlines
        return outcome
    }

    /// Reserves what the sink grew to since the last charge; `false` when the budget refuses it.
    private static func charge<Sink: CSVRowSink>(_ outcome: inout CSVChunkOutcome<Sink>, _ budget: DecodeBudget) -> Bool {
        let now = outcome.sink.heldBytes
        guard now > outcome.charged else { return true }
        guard budget.reserve(now - outcome.charged) else { return false }
        outcome.charged = now
        return true
    }

    private static func limitFailure(_ budget: DecodeBudget, newlines: Int) -> CSVChunkFailure {
        CSVChunkFailure(
            kind: .limitExceeded, newlines: newlines, fieldIndex: nil, found: nil,
            expected: "a file whose columns fit in maxDecodedBytes = \(budget.limit) bytes (\(budget.heldBytes) held when this line was reached); raise CSVReadOptions.maxDecodedBytes (larder: --max-decoded-bytes) if the file is trusted and the memory is there, or read fewer columns")
    }

    private static func tokenFailure(_ error: CSVTokenFailure, data: CSVBytes, fieldIndex: Int) -> CSVChunkFailure {
        let near = CSVError.excerpt(UnsafeBufferPointer(start: data.base + error.position, count: min(20, data.count - error.position)))
        switch error.kind {
        case .unterminatedQuote:
            return CSVChunkFailure(
                kind: .unterminatedQuote, newlines: error.newlines, fieldIndex: fieldIndex, found: near,
                expected: "a closing quote before the end of the file; close the quoted field (write a quote inside it as \"\")")
        case .quoteInUnquotedField:
            return CSVChunkFailure(
                kind: .unexpectedQuote, newlines: error.newlines, fieldIndex: fieldIndex, found: near,
                expected: "no quote inside an unquoted field; enclose the whole field in quotes and double the quote (\"\")")
        case .textAfterClosingQuote:
            return CSVChunkFailure(
                kind: .unexpectedQuote, newlines: error.newlines, fieldIndex: fieldIndex, found: near,
                expected: "a delimiter or line end after a closing quote; double a quote that is part of the text (\"\")")
        }
    }

    /// Counts the rest of an overlong row so the message can say how many fields it has.
    private static func tooManyFields(_ t: inout CSVTokenizer, rowLines: Int, fieldCount: Int, last: CSVField) -> CSVChunkFailure {
        var found = fieldCount + 1
        var terminator = last.terminator
        while terminator == .delimiter, let next = try? t.nextField() {
            found += 1
            terminator = next.terminator
        }
        return CSVChunkFailure(
            kind: .fieldCount, newlines: rowLines, fieldIndex: fieldCount, found: nil,
            expected: "\(fieldCount) fields as in the header, found \(found); quote fields that contain the delimiter or add the missing header names")
    }
}
