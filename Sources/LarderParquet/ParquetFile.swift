import Larder
public import LarderColumnar

/// An open Parquet file: its footer parsed, ready to read all or some columns into a ``ColumnBatch``.
///
/// Reading is synchronous file I/O plus CPU-bound decoding on all cores; call it from a thread or a
/// detached task, not from a NIO event loop.
///
/// ```swift
/// let file = try ParquetFile(path: "driver_stats.parquet")
/// print(file.rowCount, file.schema)
/// let batch = try file.read(columns: ["driver_id", "conv_rate"])
/// // or in one go:
/// let all = try ParquetFile.read("driver_stats.parquet")
/// // a hostile or huge file fails instead of taking more than 1 GiB:
/// let bounded = try ParquetFile(path: "upload.parquet", options: ParquetReadOptions(maxDecodedBytes: 1 << 30)).read()
/// ```
public struct ParquetFile: Sendable {
    public let path: String
    /// The Larder schema of the readable columns (unsupported columns are listed in ``unsupportedColumns``).
    public let schema: Schema
    public let rowCount: Int
    public let rowGroups: [ParquetRowGroupInfo]
    public let keyValueMetadata: [String: String]
    public let createdBy: String?
    /// Columns that exist in the file but cannot be read, with the reason.
    public let unsupportedColumns: [String: String]
    public let options: ParquetReadOptions

    let file: ReadableFile
    let metadata: FileMetaData
    let leaves: [LeafColumn]

    public init(path: String, options: ParquetReadOptions = ParquetReadOptions()) throws(ParquetError) {
        self.options = options
        do throws(ParquetError) {
            let file = try ReadableFile(path: path)
            self.file = file
            metadata = try Self.readFooter(file, maxDecodedBytes: options.maxDecodedBytes)
            leaves = try SchemaMapping.leaves(metadata.schema)
            for (i, g) in metadata.rowGroups.enumerated() where g.columns.count != leaves.count {
                throw ParquetError(.malformed, "row group \(i) has \(g.columns.count) column chunks but the schema has \(leaves.count) columns")
            }
        } catch {
            throw error.located(file: path)
        }
        self.path = path
        var fields: [SchemaField] = []
        var unsupported: [String: String] = [:]
        for leaf in leaves {
            if let why = leaf.unsupported {
                unsupported[leaf.name] = why
            } else {
                fields.append(SchemaField(name: leaf.name, type: leaf.valueType, nullable: leaf.maxDefinitionLevel > 0))
            }
        }
        schema = Schema(fields)
        unsupportedColumns = unsupported
        var kv: [String: String] = [:]
        for e in metadata.keyValueMetadata { kv[e.key] = e.value ?? "" }
        keyValueMetadata = kv
        createdBy = metadata.createdBy
        let leaves = self.leaves
        rowGroups = metadata.rowGroups.map { ParquetRowGroupInfo($0, leaves: leaves) }
        rowCount = Int(metadata.numRows)
    }

    static func readFooter(_ file: ReadableFile, maxDecodedBytes: Int) throws(ParquetError) -> FileMetaData {
        guard file.size >= 12 else { throw ParquetError(.notParquet, "file is \(file.size) bytes, too short for Parquet (at least 12)") }
        let head = try file.readBytes(at: 0, count: 4)
        let tail = try file.readBytes(at: file.size - 8, count: 8)
        let magic: [UInt8] = Array("PAR1".utf8)
        if Array(tail[4..<8]) == Array("PARE".utf8) {
            throw ParquetError(.unsupported, "encrypted footers (PARE) are not supported")
        }
        guard head == magic, Array(tail[4..<8]) == magic else {
            throw ParquetError(.notParquet, "missing PAR1 magic at the start or end of the file")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength <= file.size - 12 else {
            throw ParquetError(.malformed, "footer length \(footerLength) exceeds the file (\(file.size) bytes); the file is truncated")
        }
        guard footerLength <= maxDecodedBytes else {
            throw ParquetError(.limitExceeded, "the footer is \(byteText(footerLength)), more than maxDecodedBytes = \(byteText(maxDecodedBytes))")
        }
        let footer = try file.readBytes(at: file.size - 8 - footerLength, count: footerLength)
        var meta = FileMetaData()
        var failure: ParquetError?
        footer.withUnsafeBytes { raw in
            var r = ThriftCompactReader(raw, maxDecodedBytes: maxDecodedBytes)
            do throws(ParquetError) { meta = try r.readFileMetaData() } catch { failure = error }
        }
        if let failure { throw failure }
        if meta.encrypted { throw ParquetError(.unsupported, "encrypted files are not supported") }
        guard meta.numRows >= 0 else { throw ParquetError(.malformed, "negative row count \(meta.numRows)") }
        // Overflow-safe: a footer may list millions of row groups each claiming billions of rows. These
        // counts are only checked for plausibility here; the pages confirm them before anything is sized
        // from them (see ColumnAssembler).
        var total: Int64 = 0
        for (i, g) in meta.rowGroups.enumerated() {
            guard g.numRows >= 0, g.numRows <= Int64(Int32.max) * 64 else {
                throw ParquetError(.malformed, "row group with \(g.numRows) rows", rowGroup: i)
            }
            let (sum, overflow) = total.addingReportingOverflow(g.numRows)
            guard !overflow else { throw ParquetError(.malformed, "the row groups' row counts overflow 64 bits", rowGroup: i) }
            total = sum
        }
        // Sanity limit against corrupt counts: even all-null RLE pages need some bytes per row group and
        // page, so 256 rows per file byte is far above real files.
        guard total <= 1_048_576 + Int64(file.size) * 256 else {
            throw ParquetError(.malformed, "footer declares \(total) rows, implausible for a \(file.size)-byte file")
        }
        guard total == meta.numRows else {
            throw ParquetError(.malformed, "row groups hold \(total) rows but the footer declares \(meta.numRows)")
        }
        return meta
    }

    /// Reads the named columns in the order given, or every column of the file when `columns` is nil
    /// (which fails if one is unsupported: see ``unsupportedColumns``; pass `schema.names` to skip them).
    /// Only the requested column chunks are read from disk.
    public func read(columns names: [String]? = nil) throws(ParquetError) -> ColumnBatch {
        var selected: [LeafColumn] = []
        if let names {
            for n in names {
                guard let leaf = leaves.first(where: { $0.name == n }) else {
                    throw ParquetError(.invalidArgument, "no column named '\(n)'; the file has: \(leaves.map(\.name).joined(separator: ", "))", file: path)
                }
                selected.append(leaf)
            }
        } else {
            selected = leaves
        }
        for leaf in selected {
            if let why = leaf.unsupported { throw ParquetError(.unsupported, why, file: path, column: leaf.name) }
        }
        let budget = DecodeBudget(limit: options.maxDecodedBytes)
        let columns = try ColumnAssembler(file: file, metadata: metadata, leaves: selected, rowCount: rowCount, budget: budget).read()
        let fields = selected.map { SchemaField(name: $0.name, type: $0.valueType, nullable: $0.maxDefinitionLevel > 0) }
        do {
            return try ColumnBatch(schema: Schema(fields), columns: columns)
        } catch {
            throw ParquetError(.malformed, "decoded columns are inconsistent: \(error)", file: path)
        }
    }

    /// Reads a whole file (or the named columns) into one batch.
    public static func read(_ path: String, columns: [String]? = nil, options: ParquetReadOptions = ParquetReadOptions()) throws(ParquetError) -> ColumnBatch {
        try ParquetFile(path: path, options: options).read(columns: columns)
    }

    /// Writes `batch` to `path` atomically.
    public static func write(_ batch: ColumnBatch, to path: String, options: ParquetWriteOptions = ParquetWriteOptions()) throws(ParquetError) {
        let writer = try ParquetWriter(path: path, schema: batch.schema, options: options)
        try writer.write(batch)
        try writer.close()
    }
}
