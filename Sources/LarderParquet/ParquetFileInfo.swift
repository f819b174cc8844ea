public import Larder

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
    /// The chunk's smallest and largest non-null values from its statistics, when the writer stored them.
    public var minValue: Value?
    public var maxValue: Value?
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
                nullCount: m?.statistics?.nullCount.map { Int($0) },
                minValue: i < leaves.count ? statisticValue(m?.statistics, leaves[i], min: true) : nil,
                maxValue: i < leaves.count ? statisticValue(m?.statistics, leaves[i], min: false) : nil)
        }
    }
}

/// Decodes a PLAIN-encoded statistic into a Larder value. Prefers `min_value`/`max_value`; the legacy
/// `min`/`max` fields are used only for numbers (their byte order is wrong for strings).
func statisticValue(_ stats: Statistics?, _ leaf: LeafColumn, min: Bool) -> Value? {
    guard let stats, leaf.unsupported == nil else { return nil }
    let isBinary = leaf.physical == .byteArray
    guard let bytes = (min ? stats.minValue : stats.maxValue) ?? (isBinary ? nil : (min ? stats.min : stats.max)) else { return nil }
    func load<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard bytes.count == MemoryLayout<T>.size else { return nil }
        return bytes.reversed().reduce(T.zero) { $0 << 8 | T(truncatingIfNeeded: $1) }
    }
    switch (leaf.physical, leaf.conversion) {
    case (.boolean?, _): return bytes.count == 1 ? .bool(bytes[0] != 0) : nil
    case (.int32?, .daysToMicros): return load(Int32.self).map { .timestamp(Timestamp(microsecondsSinceEpoch: Int64($0) &* Timestamp.microsecondsPerDay)) }
    case (.int32?, _): return load(Int32.self).map { .int32($0) }
    case (.int64?, let conversion):
        guard let v = load(Int64.self) else { return nil }
        switch (leaf.valueType, conversion) {
        case (.timestamp, .millisToMicros): return .timestamp(Timestamp(microsecondsSinceEpoch: v &* 1000))
        case (.timestamp, .nanosToMicros): return .timestamp(Timestamp(microsecondsSinceEpoch: v >= 0 ? v / 1000 : -((-(v + 1)) / 1000) - 1))
        case (.timestamp, _): return .timestamp(Timestamp(microsecondsSinceEpoch: v))
        default: return .int64(v)
        }
    case (.float?, _): return load(UInt32.self).map { .float32(Float(bitPattern: $0)) }
    case (.double?, _): return load(UInt64.self).map { .float64(Double(bitPattern: $0)) }
    case (.byteArray?, _): return leaf.valueType == .string ? .string(String(decoding: bytes, as: UTF8.self)) : .bytes(bytes)
    default: return nil
    }
}
