/// How ``ParquetWriter`` lays out a file.
///
/// ```swift
/// var options = ParquetWriteOptions(compression: .snappy, rowGroupSize: 100_000)
/// options.keyValueMetadata["larder.view"] = "driver_stats"
/// ```
public struct ParquetWriteOptions: Sendable, Hashable {
    /// Codec of every column chunk (ZSTD by default).
    public var compression: ParquetCompression
    /// ZSTD level (1 = fast, as pyarrow's default).
    public var zstdLevel: Int32
    /// Rows per row group.
    public var rowGroupSize: Int
    /// Target uncompressed size of a data page in bytes.
    public var dataPageSize: Int
    /// Whether string/bytes columns are dictionary-encoded when their dictionary stays small.
    public var useDictionary: Bool
    /// Largest dictionary (bytes of distinct values) before a chunk falls back to PLAIN.
    public var dictionaryPageSizeLimit: Int
    /// Stored in the footer's key-value metadata.
    public var keyValueMetadata: [String: String]
    public var createdBy: String

    public init(
        compression: ParquetCompression = .zstd,
        zstdLevel: Int32 = 1,
        rowGroupSize: Int = 1_048_576,
        dataPageSize: Int = 1_048_576,
        useDictionary: Bool = true,
        dictionaryPageSizeLimit: Int = 1_048_576,
        keyValueMetadata: [String: String] = [:],
        createdBy: String = "larder-parquet version 0.1"
    ) {
        self.compression = compression
        self.zstdLevel = zstdLevel
        self.rowGroupSize = max(1, rowGroupSize)
        self.dataPageSize = max(1024, dataPageSize)
        self.useDictionary = useDictionary
        self.dictionaryPageSizeLimit = dictionaryPageSizeLimit
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
    }
}
