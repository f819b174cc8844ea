import Larder
public import LarderColumnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes batches to a Parquet file, atomically: rows go to a temporary file in the same directory,
/// which ``close()`` fsyncs and renames over `path`. A writer dropped without `close()` removes it.
///
/// Timestamps become INT64 TIMESTAMP(MICROS, UTC), int32 INT32, strings BYTE_ARRAY STRING, nullable
/// fields OPTIONAL. Column chunks of a row group are encoded in parallel. Blocking file I/O: do not
/// call from an event loop.
///
/// ```swift
/// let writer = try ParquetWriter(path: "out.parquet", schema: batch.schema, options: ParquetWriteOptions(compression: .zstd))
/// try writer.write(batch)
/// try writer.close()
/// ```
public final class ParquetWriter {
    public let path: String
    public let schema: Schema
    public let options: ParquetWriteOptions
    private let tempPath: String
    private var descriptor: Int32
    private var offset = 0
    private var rowGroups: [RowGroupMeta] = []
    private var pending: [ColumnBatch] = []
    private var pendingOffset = 0
    private var pendingRows = 0
    private var totalRows = 0
    private var closed = false

    public init(path: String, schema: Schema, options: ParquetWriteOptions = ParquetWriteOptions()) throws(ParquetError) {
        self.path = path
        self.schema = schema
        self.options = options
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        tempPath = (dir.isEmpty ? "" : dir + "/") + ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ParquetError(.io, "cannot create temporary file '\(tempPath)': \(errnoText())", file: path) }
        try append(Array("PAR1".utf8))
    }

    deinit {
        if !closed {
            closeDescriptor(descriptor)
            unlink(tempPath)
        }
    }

    private func append(_ bytes: [UInt8]) throws(ParquetError) {
        if let why = bytes.withUnsafeBytes({ writeAll(descriptor, $0) }) {
            throw ParquetError(.io, "write failed: \(why)", file: path)
        }
        offset += bytes.count
    }

    /// Appends the batch's rows; full row groups are encoded and written as they fill.
    public func write(_ batch: ColumnBatch) throws(ParquetError) {
        guard !closed else { throw ParquetError(.invalidArgument, "write after close()", file: path) }
        guard batch.schema.fields.map(\.name) == schema.fields.map(\.name),
              batch.schema.fields.map(\.type) == schema.fields.map(\.type)
        else {
            throw ParquetError(.invalidArgument, "batch schema \(batch.schema) differs from the writer's \(schema)", file: path)
        }
        for (f, c) in zip(schema.fields, batch.columns) where !f.nullable && c.hasNulls {
            throw ParquetError(.invalidArgument, "\(c.nullCount) nulls in a non-nullable field", file: path, column: f.name)
        }
        guard batch.rowCount > 0 else { return }
        pending.append(batch)
        pendingRows += batch.rowCount
        while pendingRows >= options.rowGroupSize { try flushRowGroup(rows: options.rowGroupSize) }
    }

    private func flushRowGroup(rows: Int) throws(ParquetError) {
        let first = pending[0]
        if first.rowCount - pendingOffset >= rows {
            try writeRowGroup(first, pendingOffset..<pendingOffset + rows)
            pendingOffset += rows
            if pendingOffset == first.rowCount {
                pending.removeFirst()
                pendingOffset = 0
            }
        } else {
            var pieces: [ColumnBatch] = []
            var need = rows
            while need > 0 {
                let b = pending[0]
                let take = min(need, b.rowCount - pendingOffset)
                pieces.append(pendingOffset == 0 && take == b.rowCount ? b : b.slice(pendingOffset..<pendingOffset + take))
                need -= take
                pendingOffset += take
                if pendingOffset == b.rowCount {
                    pending.removeFirst()
                    pendingOffset = 0
                }
            }
            let joined: ColumnBatch
            do { joined = try ColumnBatch.concatenate(pieces) } catch {
                throw ParquetError(.invalidArgument, "\(error)", file: path)
            }
            try writeRowGroup(joined, 0..<rows)
        }
        pendingRows -= rows
    }

    private func writeRowGroup(_ batch: ColumnBatch, _ range: Range<Int>) throws(ParquetError) {
        let fields = schema.fields
        let options = self.options
        let chunks = parallelMap(fields.count) { i in
            var encoder = ColumnChunkEncoder(column: batch.columns[i], range: range, nullable: fields[i].nullable, options: options)
            return encoder.encode()
        }
        var group = RowGroupMeta(columns: [], totalByteSize: 0, numRows: Int64(range.count))
        for (i, field) in fields.enumerated() {
            let chunk = chunks[i]
            let start = offset
            try append(chunk.bytes)
            var meta = ColumnMetaData()
            meta.type = ColumnChunkEncoder.physicalType(of: field.type).rawValue
            meta.encodings = chunk.encodings
            meta.pathInSchema = [field.name]
            meta.codec = options.compression.codecID.rawValue
            meta.numValues = Int64(range.count)
            meta.totalUncompressedSize = Int64(chunk.uncompressedSize)
            meta.totalCompressedSize = Int64(chunk.bytes.count)
            meta.dataPageOffset = Int64(start + chunk.dataPageOffset)
            meta.dictionaryPageOffset = chunk.dictionaryPageOffset.map { Int64(start + $0) }
            meta.statistics = chunk.statistics
            group.columns.append(ColumnChunkMeta(filePath: nil, fileOffset: Int64(start), metaData: meta))
            group.totalByteSize += Int64(chunk.uncompressedSize)
        }
        rowGroups.append(group)
        totalRows += range.count
    }

    /// Writes the remaining rows and the footer, fsyncs, and renames the file into place.
    public func close() throws(ParquetError) {
        guard !closed else { return }
        if pendingRows > 0 { try flushRowGroup(rows: pendingRows) }
        var meta = FileMetaData()
        meta.version = 2
        meta.schema = [SchemaElement(name: "schema", numChildren: schema.count)] + schema.fields.map(Self.schemaElement)
        meta.numRows = Int64(totalRows)
        meta.rowGroups = rowGroups
        meta.keyValueMetadata = options.keyValueMetadata.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: $0.value) }
        meta.createdBy = options.createdBy
        var w = ThriftCompactWriter()
        w.write(meta, columnCount: schema.count)
        let footer = w.bytes
        try append(footer)
        var tail: [UInt8] = []
        appendLE(UInt32(footer.count), to: &tail)
        tail.append(contentsOf: Array("PAR1".utf8))
        try append(tail)
        guard fsync(descriptor) == 0 else { throw ParquetError(.io, "fsync failed: \(errnoText())", file: path) }
        closeDescriptor(descriptor)
        closed = true
        guard rename(tempPath, path) == 0 else {
            let why = errnoText()
            unlink(tempPath)
            throw ParquetError(.io, "cannot rename the temporary file into place: \(why)", file: path)
        }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let dirFD = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)  // best effort: makes the rename durable
            closeDescriptor(dirFD)
        }
    }

    static func schemaElement(_ f: SchemaField) -> SchemaElement {
        var e = SchemaElement()
        e.name = f.name
        e.repetition = f.nullable ? .optional : .required
        e.type = ColumnChunkEncoder.physicalType(of: f.type)
        switch f.type {
        case .string: e.convertedType = .utf8; e.logicalType = .string
        case .timestamp: e.convertedType = .timestampMicros; e.logicalType = .timestamp(adjustedToUTC: true, unit: .micros)
        default: break
        }
        return e
    }
}
