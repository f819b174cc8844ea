/// A Parquet file could not be read or written: says which file, which column, row group and page
/// (when known), what went wrong and how to fix it.
///
/// ```swift
/// do { _ = try ParquetFile.read("/data/x.parquet") }
/// catch { print(error) }  // "/data/x.parquet: column 'tags': unsupported: repeated (nested) columns ..."
/// ```
public struct ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of failure, for callers that react differently (e.g. skip unsupported files).
    public enum Kind: Sendable, Equatable {
        /// The operating system refused an open/read/write/rename.
        case io
        /// The file does not start and end with the `PAR1` magic.
        case notParquet
        /// The file is damaged or inconsistent (truncated footer, bad offsets, corrupt page...).
        case malformed
        /// A valid Parquet feature Larder does not read (nested columns, INT96, other codecs...).
        case unsupported
        /// The caller asked for something that does not fit (unknown column, batch of another schema...).
        case invalidArgument
        /// Decoding would hold more than ``ParquetReadOptions/maxDecodedBytes``.
        case limitExceeded
    }

    public var kind: Kind
    public var message: String
    public var file: String
    public var column: String?
    /// The row group (from 0) the failure is in, when it is tied to one.
    public var rowGroup: Int?
    /// The page of the column chunk (from 0, the dictionary page included), when tied to one.
    public var page: Int?

    public init(_ kind: Kind, _ message: String, file: String = "", column: String? = nil, rowGroup: Int? = nil, page: Int? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.column = column
        self.rowGroup = rowGroup
        self.page = page
    }

    /// The same error with the file, column, row group and page filled in where they were not known yet.
    func located(file: String? = nil, column: String? = nil, rowGroup: Int? = nil, page: Int? = nil) -> ParquetError {
        var e = self
        if e.file.isEmpty, let file { e.file = file }
        if e.column == nil { e.column = column }
        if e.rowGroup == nil { e.rowGroup = rowGroup }
        if e.page == nil { e.page = page }
        return e
    }

    var hint: String {
        switch kind {
        case .io: "check that the path exists and is readable/writable"
        case .notParquet: "the file is not Parquet (or is truncated); re-export it as Parquet"
        case .malformed: "the file is damaged; re-create it from its source"
        case .unsupported: "rewrite the file with flat columns of supported types (e.g. pyarrow with default options)"
        case .invalidArgument: "fix the call's arguments"
        case .limitExceeded:
            "if the file is trusted and the memory is there, raise ParquetReadOptions.maxDecodedBytes "
                + "(larder: --max-decoded-bytes), or read fewer columns"
        }
    }

    public var description: String {
        var s = file.isEmpty ? "parquet" : file
        if let column { s += ": column '\(column)'" }
        if let rowGroup { s += column == nil ? ": row group \(rowGroup)" : ", row group \(rowGroup)" }
        if let page { s += ", page \(page)" }
        return s + ": \(kind): \(message); \(hint)"
    }
}
