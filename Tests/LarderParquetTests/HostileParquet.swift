import Foundation
@testable import LarderParquet

/// Writes Parquet files byte by byte for the hostile-file tests: each column chunk is a list of raw pages
/// (a header and a body, written as given) and the footer says whatever the test wants, so a file can lie
/// about its row counts, sizes and lengths in exactly one place.
///
/// ```swift
/// var file = HostileParquet(columns: [.string("s")])
/// file.rowGroup(rows: 3, chunks: [[.dictionary(count: 1, body: HostileParquet.plainStrings([[1]])),
///                                  .data(values: 3, encoding: .rleDictionary, body: HostileParquet.indices(width: 1, runs: [(0, 3)]))]])
/// try file.write(to: path)
/// ```
struct HostileParquet {
    struct Page {
        var header: PageHeader
        var body: [UInt8]

        static func data(values: Int, encoding: Encoding, body: [UInt8], uncompressedSize: Int? = nil) -> Page {
            var h = PageHeader()
            h.type = PageType.dataPage.rawValue
            h.uncompressedPageSize = uncompressedSize ?? body.count
            h.compressedPageSize = body.count
            h.dataPage = DataPageHeader(numValues: values, encoding: encoding.rawValue,
                                        definitionLevelEncoding: Encoding.rle.rawValue, repetitionLevelEncoding: Encoding.rle.rawValue)
            return Page(header: h, body: body)
        }

        static func dictionary(count: Int, body: [UInt8], uncompressedSize: Int? = nil) -> Page {
            var h = PageHeader()
            h.type = PageType.dictionaryPage.rawValue
            h.uncompressedPageSize = uncompressedSize ?? body.count
            h.compressedPageSize = body.count
            h.dictionaryPage = DictionaryPageHeader(numValues: count, encoding: Encoding.plain.rawValue)
            return Page(header: h, body: body)
        }
    }

    struct LeafSpec {
        var element: SchemaElement

        static func string(_ name: String, optional: Bool = false) -> LeafSpec {
            var e = SchemaElement()
            e.type = .byteArray
            e.repetition = optional ? .optional : .required
            e.name = name
            e.convertedType = .utf8
            return LeafSpec(element: e)
        }

        static func int64(_ name: String, optional: Bool = false) -> LeafSpec {
            var e = SchemaElement()
            e.type = .int64
            e.repetition = optional ? .optional : .required
            e.name = name
            return LeafSpec(element: e)
        }
    }

    var columns: [LeafSpec]
    var codec: ParquetCompression = .uncompressed
    var groups: [(rows: Int64, chunks: [[Page]])] = []
    /// The footer's total row count; the sum of the row groups' when `nil`.
    var fileRows: Int64?
    var keyValues: [KeyValue] = []

    init(columns: [LeafSpec], codec: ParquetCompression = .uncompressed) {
        self.columns = columns
        self.codec = codec
    }

    mutating func rowGroup(rows: Int64, chunks: [[Page]]) { groups.append((rows, chunks)) }

    /// The file's bytes; page bodies are compressed with `codec` unless a page's sizes were set by hand.
    func bytes() -> [UInt8] {
        var out = Array("PAR1".utf8)
        var rowGroups: [RowGroupMeta] = []
        for group in groups {
            var meta = RowGroupMeta()
            meta.numRows = group.rows
            for (c, pages) in group.chunks.enumerated() {
                let start = out.count
                var dictionaryOffset: Int64?
                var dataOffset: Int64?
                var uncompressed = 0
                for page in pages {
                    var header = page.header
                    var body = page.body
                    if codec != .uncompressed {
                        var compressed: [UInt8] = []
                        _ = page.body.withUnsafeBytes { Codec.compress(codec, level: 1, $0, appendingTo: &compressed) }
                        body = compressed
                        header.compressedPageSize = compressed.count
                    }
                    if header.type == PageType.dictionaryPage.rawValue, dictionaryOffset == nil { dictionaryOffset = Int64(out.count) }
                    if header.type != PageType.dictionaryPage.rawValue, dataOffset == nil { dataOffset = Int64(out.count) }
                    var w = ThriftCompactWriter()
                    w.write(header)
                    out += w.bytes + body
                    uncompressed += w.bytes.count + header.uncompressedPageSize
                }
                var m = ColumnMetaData()
                m.type = columns[c].element.type!.rawValue
                m.encodings = [Encoding.plain.rawValue, Encoding.rle.rawValue]
                m.pathInSchema = [columns[c].element.name]
                m.codec = codec.codecID.rawValue
                m.numValues = group.rows
                m.totalUncompressedSize = Int64(uncompressed)
                m.totalCompressedSize = Int64(out.count - start)
                m.dataPageOffset = dataOffset ?? Int64(start)
                m.dictionaryPageOffset = dictionaryOffset
                var chunk = ColumnChunkMeta()
                chunk.fileOffset = Int64(start)
                chunk.metaData = m
                meta.columns.append(chunk)
            }
            rowGroups.append(meta)
        }
        var root = SchemaElement()
        root.name = "schema"
        root.numChildren = columns.count
        var footer = FileMetaData()
        footer.version = 1
        footer.schema = [root] + columns.map(\.element)
        footer.numRows = fileRows ?? groups.reduce(0) { $0 &+ $1.rows }
        footer.rowGroups = rowGroups
        footer.keyValueMetadata = keyValues
        var w = ThriftCompactWriter()
        w.write(footer, columnCount: columns.count)
        let length = UInt32(w.bytes.count)
        out += w.bytes + (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + Array("PAR1".utf8)
        return out
    }

    func write(to path: String) throws {
        try Data(bytes()).write(to: URL(fileURLWithPath: path))
    }

    // MARK: Page bodies

    /// PLAIN BYTE_ARRAY values: a 4-byte little-endian length, then the bytes.
    static func plainStrings(_ values: [[UInt8]]) -> [UInt8] {
        values.flatMap { le32(UInt32($0.count)) + $0 }
    }

    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// Dictionary indices: the bit width, then RLE runs of (index, count).
    static func indices(width: Int, runs: [(UInt32, Int)]) -> [UInt8] {
        var e = RLEHybridEncoder(bitWidth: width)
        for (value, count) in runs { e.append(value, count: count) }
        return [UInt8(width)] + e.finish()
    }

    /// v1 definition levels (bit width 1): a 4-byte length, then RLE runs of (level, count).
    static func definitionLevels(_ runs: [(UInt32, Int)]) -> [UInt8] {
        var e = RLEHybridEncoder(bitWidth: 1)
        for (value, count) in runs { e.append(value, count: count) }
        let bytes = e.finish()
        return le32(UInt32(bytes.count)) + bytes
    }

    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    static func zigzag(_ v: Int64) -> [UInt8] { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    /// DELTA_BINARY_PACKED `count` values `first, first + step, first + 2·step, ...`: every delta equals the
    /// block's min delta, so each miniblock has bit width 0 and the stream is a few bytes per 128 values.
    static func deltaArithmetic(first: Int64, step: Int64, count: Int) -> [UInt8] {
        var out = varint(128) + varint(4) + varint(UInt64(count)) + zigzag(first)
        var remaining = count - 1
        while remaining > 0 {
            out += zigzag(step) + [0, 0, 0, 0]
            remaining -= 128
        }
        return out
    }
}
