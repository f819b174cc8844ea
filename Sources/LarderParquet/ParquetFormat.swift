// The subset of parquet.thrift that Larder reads and writes, as plain Swift values. Field numbers in
// the decoders/encoders follow apache/parquet-format's parquet.thrift.

enum PhysicalType: Int32, Sendable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
}

enum Repetition: Int32, Sendable { case required = 0, optional = 1, repeated = 2 }

enum ConvertedType: Int32, Sendable {
    case utf8 = 0, map = 1, mapKeyValue = 2, list = 3, enumeration = 4, decimal = 5, date = 6
    case timeMillis = 7, timeMicros = 8, timestampMillis = 9, timestampMicros = 10
    case uint8 = 11, uint16 = 12, uint32 = 13, uint64 = 14, int8 = 15, int16 = 16, int32 = 17, int64 = 18
    case json = 19, bson = 20, interval = 21
}

enum TimeUnit: Sendable { case millis, micros, nanos }

/// The LogicalType union, reduced to what matters for mapping to `ValueType`.
enum LogicalType: Sendable, Equatable {
    case string
    case date
    case timestamp(adjustedToUTC: Bool, unit: TimeUnit)
    case integer(bitWidth: Int, signed: Bool)
    case other(field: Int16)
}

/// Parquet's compression codec ids.
enum CompressionCodecID: Int32, Sendable {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7
}

enum Encoding: Int32, Sendable {
    case plain = 0, groupVarInt = 1, plainDictionary = 2, rle = 3, bitPacked = 4
    case deltaBinaryPacked = 5, deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
}

enum PageType: Int32, Sendable { case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3 }

struct SchemaElement: Sendable {
    var type: PhysicalType?
    var rawType: Int32?
    var typeLength: Int32?
    var repetition: Repetition?
    var name: String = ""
    var numChildren: Int = 0
    var convertedType: ConvertedType?
    var rawConvertedType: Int32?
    var logicalType: LogicalType?
}

struct Statistics: Sendable, Equatable {
    var max: [UInt8]?
    var min: [UInt8]?
    var nullCount: Int64?
    var distinctCount: Int64?
    var maxValue: [UInt8]?
    var minValue: [UInt8]?
}

struct ColumnMetaData: Sendable {
    var type: Int32 = 0
    var encodings: [Int32] = []
    var pathInSchema: [String] = []
    var codec: Int32 = 0
    var numValues: Int64 = 0
    var totalUncompressedSize: Int64 = 0
    var totalCompressedSize: Int64 = 0
    var dataPageOffset: Int64 = 0
    var dictionaryPageOffset: Int64?
    var statistics: Statistics?
}

struct ColumnChunkMeta: Sendable {
    var filePath: String?
    var fileOffset: Int64 = 0
    var metaData: ColumnMetaData?
    var encrypted = false
}

struct RowGroupMeta: Sendable {
    var columns: [ColumnChunkMeta] = []
    var totalByteSize: Int64 = 0
    var numRows: Int64 = 0
}

struct KeyValue: Sendable {
    var key: String
    var value: String?
}

struct FileMetaData: Sendable {
    var version: Int32 = 0
    var schema: [SchemaElement] = []
    var numRows: Int64 = 0
    var rowGroups: [RowGroupMeta] = []
    var keyValueMetadata: [KeyValue] = []
    var createdBy: String?
    var encrypted = false
}

struct DataPageHeader: Sendable {
    var numValues: Int = 0
    var encoding: Int32 = 0
    var definitionLevelEncoding: Int32 = 0
    var repetitionLevelEncoding: Int32 = 0
}

struct DataPageHeaderV2: Sendable {
    var numValues: Int = 0
    var numNulls: Int = 0
    var numRows: Int = 0
    var encoding: Int32 = 0
    var definitionLevelsByteLength: Int = 0
    var repetitionLevelsByteLength: Int = 0
    var isCompressed = true
}

struct DictionaryPageHeader: Sendable {
    var numValues: Int = 0
    var encoding: Int32 = 0
}

struct PageHeader: Sendable {
    var type: Int32 = 0
    var uncompressedPageSize: Int = 0
    var compressedPageSize: Int = 0
    var dataPage: DataPageHeader?
    var dictionaryPage: DictionaryPageHeader?
    var dataPageV2: DataPageHeaderV2?
}
