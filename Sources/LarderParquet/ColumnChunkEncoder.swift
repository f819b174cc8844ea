import Larder
import LarderColumnar

/// One encoded column chunk: its pages as bytes plus what the footer needs to describe them.
struct EncodedChunk: Sendable {
    var bytes: [UInt8] = []
    var dictionaryPageOffset: Int?
    var dataPageOffset = 0
    var uncompressedSize = 0
    var encodings: [Int32] = []
    var statistics = Statistics()
}

/// Encodes rows `range` of one column as a column chunk: PLAIN values (numbers, booleans, and strings
/// whose dictionary would grow too large) or dictionary + RLE indices (strings/bytes), v1 data pages,
/// RLE definition levels for nullable fields, compressed page by page.
struct ColumnChunkEncoder {
    let column: Column
    let range: Range<Int>
    let nullable: Bool
    let options: ParquetWriteOptions
    private var out = EncodedChunk()

    init(column: Column, range: Range<Int>, nullable: Bool, options: ParquetWriteOptions) {
        self.column = column
        self.range = range
        self.nullable = nullable
        self.options = options
    }

    static func physicalType(of type: ValueType) -> PhysicalType {
        switch type {
        case .bool: .boolean
        case .int32: .int32
        case .int64, .timestamp: .int64
        case .float32: .float
        case .float64: .double
        case .string, .bytes: .byteArray
        }
    }

    mutating func encode() -> EncodedChunk {
        let column = self.column
        out.statistics = ColumnStatistics.compute(column, range)
        switch column.storage {
        case .binary(let offsets, let bytes):
            if options.useDictionary, let dict = BinaryDictionary(offsets: offsets, bytes: bytes, validity: column.validity,
                                                                   range: range, byteLimit: options.dictionaryPageSizeLimit) {
                writeDictionaryChunk(dict)
            } else {
                writePages(bytesPerRow: max(1, (offsets[range.upperBound] - offsets[range.lowerBound]) / max(1, range.count) + 4)) { rows, body in
                    for i in rows where !column.isNull(i) {
                        let n = offsets[i + 1] - offsets[i]
                        appendLE(UInt32(n), to: &body)
                        body.append(contentsOf: bytes[offsets[i]..<offsets[i + 1]])
                    }
                }
            }
        case .bool(let v):
            writePages(bytesPerRow: 1) { rows, body in
                var acc: UInt8 = 0
                var bits = 0
                for i in rows where !column.isNull(i) {
                    if v[i] { acc |= 1 << UInt8(bits) }
                    bits += 1
                    if bits == 8 {
                        body.append(acc)
                        acc = 0
                        bits = 0
                    }
                }
                if bits > 0 { body.append(acc) }
            }
        case .int32(let v): writePlain(v)
        case .int64(let v): writePlain(v)
        case .float32(let v): writePlain(v)
        case .float64(let v): writePlain(v)
        }
        return out
    }

    private mutating func writePlain<T: BitwiseCopyable>(_ values: [T]) {
        let column = self.column
        writePages(bytesPerRow: MemoryLayout<T>.stride) { rows, body in
            values.withUnsafeBytes { raw in
                let stride = MemoryLayout<T>.stride
                if column.validity == nil {
                    body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(rows.lowerBound * stride)..<(rows.upperBound * stride)]))
                } else {
                    // Copy runs of present values at once.
                    var i = rows.lowerBound
                    while i < rows.upperBound {
                        if column.isNull(i) { i += 1; continue }
                        var j = i + 1
                        while j < rows.upperBound && !column.isNull(j) { j += 1 }
                        body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(i * stride)..<(j * stride)]))
                        i = j
                    }
                }
            }
        }
    }

    private mutating func writeDictionaryChunk(_ dict: BinaryDictionary) {
        var page: [UInt8] = []
        page.reserveCapacity(dict.bytes.count + 4 * dict.count)
        for k in 0..<dict.count {
            let s = dict.offsets[k], e = dict.offsets[k + 1]
            appendLE(UInt32(e - s), to: &page)
            page.append(contentsOf: dict.bytes[s..<e])
        }
        out.dictionaryPageOffset = out.bytes.count
        emitPage(body: page, header: { compressed in
            PageHeader(type: PageType.dictionaryPage.rawValue, uncompressedPageSize: page.count, compressedPageSize: compressed,
                       dictionaryPage: DictionaryPageHeader(numValues: dict.count, encoding: Encoding.plain.rawValue))
        })
        let column = self.column
        let width = bitWidth(for: max(dict.count - 1, 0))
        let indices = dict.indices
        // `indices` lists present rows only, in row order; each page takes the next `present` of them.
        var consumed = 0
        writePages(bytesPerRow: max(1, width / 8 + 1), encoding: .rleDictionary) { rows, body in
            let present = rows.reduce(0) { $0 + (column.isNull($1) ? 0 : 1) }
            body.append(UInt8(width))
            var enc = RLEHybridEncoder(bitWidth: width)
            indices.withUnsafeBufferPointer { idx in
                enc.append(contentsOf: UnsafeBufferPointer(rebasing: idx[consumed..<consumed + present]))
            }
            consumed += present
            body.append(contentsOf: enc.finish())
        }
        out.encodings = [Encoding.plain.rawValue, Encoding.rle.rawValue, Encoding.rleDictionary.rawValue]
    }

    /// Splits the chunk's rows into pages of about `dataPageSize` bytes; `values` appends a page's value bytes.
    private mutating func writePages(bytesPerRow: Int, encoding: Encoding = .plain, _ values: (Range<Int>, inout [UInt8]) -> Void) {
        let rowsPerPage = max(1, options.dataPageSize / max(bytesPerRow, 1))
        out.dataPageOffset = out.bytes.count
        var start = range.lowerBound
        var body: [UInt8] = []
        repeat {
            let rows = start..<min(start + rowsPerPage, range.upperBound)
            body.removeAll(keepingCapacity: true)
            if nullable {
                var levels = RLEHybridEncoder(bitWidth: 1)
                if let validity = column.validity {
                    var i = rows.lowerBound
                    while i < rows.upperBound {
                        let bit = validity[i]
                        var j = i + 1
                        while j < rows.upperBound && validity[j] == bit { j += 1 }
                        levels.append(bit ? 1 : 0, count: j - i)
                        i = j
                    }
                } else {
                    levels.append(1, count: rows.count)
                }
                let encoded = levels.finish()
                appendLE(UInt32(encoded.count), to: &body)
                body.append(contentsOf: encoded)
            }
            values(rows, &body)
            let page = body
            emitPage(body: page, header: { compressed in
                PageHeader(type: PageType.dataPage.rawValue, uncompressedPageSize: page.count, compressedPageSize: compressed,
                           dataPage: DataPageHeader(numValues: rows.count, encoding: encoding.rawValue,
                                                    definitionLevelEncoding: Encoding.rle.rawValue,
                                                    repetitionLevelEncoding: Encoding.rle.rawValue))
            })
            start = rows.upperBound
        } while start < range.upperBound
        if out.encodings.isEmpty { out.encodings = [Encoding.plain.rawValue, Encoding.rle.rawValue] }
    }

    /// Compresses `body` and appends header + compressed bytes to the chunk.
    private mutating func emitPage(body: [UInt8], header: (Int) -> PageHeader) {
        var compressed: [UInt8] = []
        let size = body.withUnsafeBytes { Codec.compress(options.compression, level: options.zstdLevel, $0, appendingTo: &compressed) }
        var w = ThriftCompactWriter()
        w.write(header(size))
        out.bytes.append(contentsOf: w.bytes)
        out.bytes.append(contentsOf: compressed)
        out.uncompressedSize += w.bytes.count + body.count
    }
}

@inline(__always)
func appendLE(_ v: UInt32, to bytes: inout [UInt8]) {
    bytes.append(UInt8(truncatingIfNeeded: v))
    bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    bytes.append(UInt8(truncatingIfNeeded: v >> 16))
    bytes.append(UInt8(truncatingIfNeeded: v >> 24))
}
