public import LarderColumnar

/// Rows read from a source, with where each came from so an error can name the file and row.
public struct SourceRows: Sendable {
    public var batch: ColumnBatch
    /// Where rows come from: for each part, the file (or table), the first row's index in `batch`,
    /// the rows' 1-based row numbers in that file, and whether line numbers equal row + 1 (CSV without
    /// embedded newlines) — kept per part so a glob of files reports the right file.
    public var parts: [Part]
    /// The greatest `created` time among every row the reader looked at (kept or not), when it was asked to
    /// track late rows (``SourceReader/LateRows``) and the source has a created column.
    public var maxCreated: Int64?

    public struct Part: Sendable {
        public var location: String
        public var firstIndex: Int
        /// The 1-based source row number of each row of this part in `batch`.
        public var sourceRows: [Int32]
        public var isCSV: Bool

        public init(location: String, firstIndex: Int, sourceRows: [Int32], isCSV: Bool) {
            self.location = location
            self.firstIndex = firstIndex
            self.sourceRows = sourceRows
            self.isCSV = isCSV
        }
    }

    public init(batch: ColumnBatch, parts: [Part], maxCreated: Int64? = nil) {
        self.batch = batch
        self.parts = parts
        self.maxCreated = maxCreated
    }

    /// Where row `index` of the batch came from.
    public func origin(of index: Int) -> (location: String, row: Int, line: Int?) {
        guard let part = parts.last(where: { $0.firstIndex <= index }) else { return ("?", index + 1, nil) }
        let row = Int(part.sourceRows[index - part.firstIndex])
        return (part.location, row, part.isCSV ? row + 1 : nil)
    }
}
