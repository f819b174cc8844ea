internal import Larder
internal import LarderColumnar

/// The header line: column names, where the body starts, and how to word errors about its columns.
struct CSVHeader: Sendable {
    var names: [String]
    /// Byte offset of the first body row.
    var bodyStart: Int
    /// Line breaks consumed by the byte order mark and the header (quoted names may span lines).
    var newlines: Int

    /// What one column costs a read besides its values (its name, its accumulator and its type
    /// inference in each parsing chunk): a header of millions of one-letter names is refused by
    /// `maxDecodedBytes` instead of expanding a hundredfold.
    static let bytesPerColumn = 1024

    init(_ data: CSVBytes, name: String, delimiter: UInt8, maxDecodedBytes: Int = .max) throws(CSVError) {
        var start = 0
        if data.count >= 3, data.base[0] == 0xEF, data.base[1] == 0xBB, data.base[2] == 0xBF { start = 3 }
        guard start < data.count else { throw CSVReader.missingHeader(name) }
        var t = CSVTokenizer(base: data.base, end: data.count, position: start, delimiter: delimiter)
        var names: [String] = []
        while true {
            let field: CSVField
            do throws(CSVTokenFailure) {
                field = try t.nextField()
            } catch {
                throw CSVError(
                    kind: error.kind == .unterminatedQuote ? .unterminatedQuote : .unexpectedQuote, path: name,
                    line: 1 + error.newlines, column: names.count + 1,
                    expected: "a well-formed header line; close quoted names and double quotes inside them (\"\")")
            }
            guard (names.count + 1) <= maxDecodedBytes / Self.bytesPerColumn else {
                throw CSVError(
                    kind: .limitExceeded, path: name, line: 1 + t.newlines, column: names.count + 1,
                    expected: "at most \(maxDecodedBytes / Self.bytesPerColumn) header columns (\(Self.bytesPerColumn) bytes each within maxDecodedBytes = \(maxDecodedBytes)); raise CSVReadOptions.maxDecodedBytes (larder: --max-decoded-bytes) if the file is trusted")
            }
            names.append(String(decoding: field.bytes, as: UTF8.self))
            if field.terminator != .delimiter { break }
        }
        if let empty = names.firstIndex(of: "") {
            throw CSVError(
                kind: .missingHeader, path: name, line: 1, column: empty + 1,
                expected: "a name for every column in the header line; the first line must name the columns")
        }
        var seen: [String: Int] = [:]
        for (i, n) in names.enumerated() {
            if let first = seen[n] {
                throw CSVError(
                    kind: .duplicateColumn, path: name, line: 1, column: i + 1, columnName: n,
                    expected: "unique column names; column \(first + 1) has the same name, rename one of them")
            }
            seen[n] = i
        }
        self.names = names
        self.bodyStart = t.position
        self.newlines = t.newlines
    }

    /// For each header column, the schema position it fills, or -1 when the schema skips it.
    func targets(for schema: Schema, name: String) throws(CSVError) -> [Int] {
        var targets = [Int](repeating: -1, count: names.count)
        var positions: [String: Int] = [:]
        for (i, n) in names.enumerated() { positions[n] = i }
        for (s, field) in schema.fields.enumerated() {
            guard let h = positions[field.name] else {
                throw CSVError(
                    kind: .missingColumn, path: name, line: 1, columnName: field.name,
                    expected: "a column named \"\(field.name)\" in the header, which has \(names.map { "\"\($0)\"" }.joined(separator: ", ")); add the column to the file or remove it from the schema")
            }
            guard targets[h] < 0 else {
                throw CSVError(
                    kind: .duplicateColumn, path: name, columnName: field.name,
                    expected: "unique field names in the schema; \"\(field.name)\" appears twice")
            }
            targets[h] = s
        }
        return targets
    }

    /// The error for a validated chunk failure, with the absolute line and the column's name.
    func error(for failure: CSVChunkFailure, linesBefore: Int, name: String) -> CSVError {
        CSVError(
            kind: failure.kind, path: name, line: 1 + newlines + linesBefore + failure.newlines,
            column: failure.fieldIndex.map { $0 + 1 },
            columnName: failure.fieldIndex.flatMap { $0 < names.count ? names[$0] : nil },
            found: failure.found, expected: failure.expected)
    }
}
