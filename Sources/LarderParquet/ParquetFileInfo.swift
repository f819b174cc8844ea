/// Metadata of one column chunk, for `inspect`.
///
/// ```swift
/// for c in file.rowGroups[0].columns { print(c.name, c.compression, c.compressedSize) }
/// ```
public struct ParquetColumnChunkInfo: Sendable, Hashable {
    public var name: String
    /// Codec name as in the Parquet spec (`SNAPPY`, `ZSTD`, `UNCOMPRESSED`, ...).
    public var compression: String
    public var encodings: [String]
    public var valueCount: Int
    public var compressedSize: Int
    public var uncompressedSize: Int
    public var nullCount: Int?
}

/// Metadata of one row group, for `inspect`.
///
/// ```swift
/// file.rowGroups.map(\.rowCount)   // [1048576, 1048576, ...]
/// ```
public struct ParquetRowGroupInfo: Sendable, Hashable {
    public var rowCount: Int
    public var totalByteSize: Int
    public var columns: [ParquetColumnChunkInfo]

    init(_ g: RowGroupMeta, leaves: [LeafColumn]) {
        rowCount = Int(g.numRows)
        totalByteSize = Int(g.totalByteSize)
        columns = g.columns.enumerated().map { i, c in
            let m = c.metaData
            return ParquetColumnChunkInfo(
                name: i < leaves.count ? leaves[i].name : (m?.pathInSchema.joined(separator: ".") ?? "#\(i)"),
                compression: m.map { codecName($0.codec) } ?? "?",
                encodings: m?.encodings.map(encodingName) ?? [],
                valueCount: Int(m?.numValues ?? 0),
                compressedSize: Int(m?.totalCompressedSize ?? 0),
                uncompressedSize: Int(m?.totalUncompressedSize ?? 0),
                nullCount: m?.statistics?.nullCount.map { Int($0) })
        }
    }
}
