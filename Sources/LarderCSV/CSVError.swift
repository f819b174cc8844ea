/// Why a CSV file could not be read or written: what was wrong, where, and how to fix it.
///
/// `line` is the 1-based physical line of the file (a quoted field spanning several lines counts each
/// of them), `column` the 1-based position of the field in the header.
///
/// ```swift
/// do { _ = try CSVReader(schema: schema).read(path: "driver_stats.csv") }
/// catch let error {
///     print(error)   // driver_stats.csv:12:4 (column "conv_rate"): found "abc", expected a float32 number ...
///     error.line     // 12
/// }
/// ```
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of a failure, for code that reacts to some of them.
    ///
    /// ```swift
    /// if error.kind == .missingColumn { print("add \(error.columnName ?? "") to the file") }
    /// ```
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened, read, written or renamed.
        case io
        /// The file is empty: it has no header line.
        case missingHeader
        /// Two header fields have the same name.
        case duplicateColumn
        /// A schema column does not appear in the header.
        case missingColumn
        /// A row has more or fewer fields than the header.
        case fieldCount
        /// A quoted field is not closed before the end of the file.
        case unterminatedQuote
        /// A quote inside an unquoted field, or text after a closing quote.
        case unexpectedQuote
        /// A value does not parse as the column's type.
        case badValue
        /// An empty field in a column declared non-nullable.
        case nullInNonNullable
        /// A string field is not valid UTF-8.
        case invalidUTF8
        /// The batch or options cannot be written as CSV (e.g. a delimiter that needs quoting).
        case unsupported
        /// Reading would hold more than ``CSVReadOptions/maxDecodedBytes``.
        case limitExceeded
    }

    public var kind: Kind
    /// The file (or the name given to in-memory data).
    public var path: String
    /// 1-based physical line, when the failure is tied to one.
    public var line: Int?
    /// 1-based position of the field in the header, when the failure is tied to one.
    public var column: Int?
    /// The header name of that column.
    public var columnName: String?
    /// The text found (truncated to 80 bytes), when there is one.
    public var found: String?
    /// What was expected, and how to fix it.
    public var expected: String

    public init(
        kind: Kind, path: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil,
        found: String? = nil, expected: String
    ) {
        self.kind = kind
        self.path = path
        self.line = line
        self.column = column
        self.columnName = columnName
        self.found = found
        self.expected = expected
    }

    public var description: String {
        var s = path
        if let line {
            s += ":\(line)"
            if let column { s += ":\(column)" }
        }
        if let columnName { s += " (column \"\(columnName)\")" }
        s += ": "
        if let found { s += "found \"\(found)\", " }
        return s + "expected " + expected
    }

    /// Shortens a field's bytes for messages, so one huge bad field does not flood a log.
    static func excerpt(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 80) -> String {
        if bytes.count <= limit { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<limit]), as: UTF8.self) + "…"
    }
}
