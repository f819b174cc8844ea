/// How ``CSVWriter`` lays out a file.
///
/// ```swift
/// var options = CSVWriteOptions()
/// options.quoting = .textAlways      // the layout pyarrow.csv.write_csv produces
/// options.lineEnding = .crlf
/// try CSVWriter(options: options).write(batch, to: "training_set.csv")
/// ```
public struct CSVWriteOptions: Sendable, Hashable {
    /// When fields are enclosed in quotes.
    ///
    /// ```swift
    /// CSVWriteOptions(quoting: .textAlways)   // "name",1,"2026-01-01T00:00:00.000000Z"
    /// ```
    public enum Quoting: Sendable, Hashable {
        /// RFC-4180 minimal quoting: only fields holding the delimiter, a quote or a line break, and the
        /// empty string (so it stays distinct from null, which is written as nothing).
        case needed
        /// Header names and every string, bytes and timestamp field are quoted, numbers and booleans
        /// are not: the layout of `pyarrow.csv.write_csv` (and so of gen_data.py's files).
        case textAlways
    }

    /// The row terminator: `\n` (the default, as pyarrow writes) or `\r\n` (RFC 4180's).
    ///
    /// ```swift
    /// CSVWriteOptions(lineEnding: .crlf)
    /// ```
    public enum LineEnding: Sendable, Hashable {
        case lf
        case crlf
    }

    /// The field separator: an ASCII symbol that values cannot contain (not a letter, digit, quote, line
    /// break, `.`, `-`, `+` or `:`). Default `,`.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    public var quoting: Quoting = .needed
    public var lineEnding: LineEnding = .lf
    /// Write the header line of column names. Default `true`.
    public var includeHeader = true

    public init(
        delimiter: UInt8 = UInt8(ascii: ","), quoting: Quoting = .needed, lineEnding: LineEnding = .lf,
        includeHeader: Bool = true
    ) {
        self.delimiter = delimiter
        self.quoting = quoting
        self.lineEnding = lineEnding
        self.includeHeader = includeHeader
    }
}
