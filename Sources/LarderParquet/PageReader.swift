// Walks the pages of one column chunk: reads the chunk's bytes once, parses each page header,
// decompresses into a reused buffer and splits data pages into definition levels and values.
// Every size taken from the file is checked before use.

/// One decoded data page, valid only inside the callback that receives it.
struct DataPageView {
    /// Rows in the page.
    var count: Int
    /// Non-null rows (= values present in `values`).
    var nonNullCount: Int
    /// One definition level per row (0 = null, 1 = present), or `nil` when every row is present.
    var levels: UnsafeBufferPointer<UInt32>?
    var encoding: Int32
    var values: UnsafeRawBufferPointer
}

final class PageReader {
    let leaf: LeafColumn
    let codec: ParquetCompression
    let numValues: Int
    /// Larger pages are treated as corrupt (writers use ~1 MiB pages).
    static let maxPageSize = 1 << 30
    // Manually managed so typed-throwing code can use them without closures; freed in deinit.
    private let chunk: UnsafeMutableRawBufferPointer
    private var pageBuffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var levelBuffer = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)

    deinit {
        chunk.deallocate()
        pageBuffer.deallocate()
        levelBuffer.deallocate()
    }

    init(file: ReadableFile, meta: ColumnMetaData, leaf: LeafColumn, rowCount: Int) throws(ParquetError) {
        self.leaf = leaf
        guard let codec = ParquetCompression(codecID: meta.codec) else {
            throw ParquetError(.unsupported, "compression \(codecName(meta.codec)) is not supported (use UNCOMPRESSED, SNAPPY or ZSTD)")
        }
        self.codec = codec
        guard meta.numValues == Int64(rowCount) else {
            throw ParquetError(.malformed, "column chunk holds \(meta.numValues) values but its row group has \(rowCount) rows")
        }
        numValues = rowCount
        var start = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
        guard start >= 4, meta.totalCompressedSize >= 0, start <= Int64(file.size),
              meta.totalCompressedSize <= Int64(file.size) - start
        else {
            throw ParquetError(.malformed, "column chunk byte range (offset \(start), \(meta.totalCompressedSize) bytes) lies outside the \(file.size)-byte file")
        }
        let size = Int(meta.totalCompressedSize)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        do throws(ParquetError) {
            try file.read(at: Int(start), count: size, into: buffer.baseAddress!)
        } catch {
            buffer.deallocate()
            throw error
        }
        chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size])
    }

    private func ensurePageBuffer(_ size: Int) {
        if pageBuffer.count < size {
            pageBuffer.deallocate()
            pageBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 64), alignment: 16)
        }
    }

    /// Calls `onDictionary(count, encoding, bytes)` for a dictionary page and `onData` for each data page.
    func forEachPage(
        onDictionary: (Int, Int32, UnsafeRawBufferPointer) throws(ParquetError) -> Void,
        onData: (DataPageView) throws(ParquetError) -> Void
    ) throws(ParquetError) {
        var position = 0
        var rowsSeen = 0
        while rowsSeen < numValues {
            guard position < chunk.count else {
                throw ParquetError(.malformed, "column chunk ended after \(rowsSeen) of \(numValues) values")
            }
            var r = ThriftCompactReader(UnsafeRawBufferPointer(chunk), position: position)
            let header = try r.readPageHeader()
            let pageStart = r.position
            guard header.compressedPageSize <= chunk.count - pageStart else {
                throw ParquetError(.malformed, "page of \(header.compressedPageSize) bytes overruns its column chunk")
            }
            guard header.uncompressedPageSize <= PageReader.maxPageSize else {
                throw ParquetError(.malformed, "page declares \(header.uncompressedPageSize) uncompressed bytes (limit \(PageReader.maxPageSize))")
            }
            position = pageStart + header.compressedPageSize
            let range = pageStart..<position
            switch PageType(rawValue: header.type) {
            case .dictionaryPage?:
                guard let d = header.dictionaryPage else { throw ParquetError(.malformed, "dictionary page without its header") }
                try decompressPage(range, uncompressedSize: header.uncompressedPageSize)
                try onDictionary(d.numValues, d.encoding, UnsafeRawBufferPointer(rebasing: pageBuffer[0..<header.uncompressedPageSize]))
            case .dataPage?:
                guard let d = header.dataPage else { throw ParquetError(.malformed, "data page without its header") }
                guard d.numValues <= numValues - rowsSeen else {
                    throw ParquetError(.malformed, "data pages hold more values than the column chunk's \(numValues)")
                }
                try decompressPage(range, uncompressedSize: header.uncompressedPageSize)
                try dataPageV1(d, size: header.uncompressedPageSize, onData)
                rowsSeen += d.numValues
            case .dataPageV2?:
                guard let d = header.dataPageV2 else { throw ParquetError(.malformed, "data page v2 without its header") }
                guard d.numValues <= numValues - rowsSeen else {
                    throw ParquetError(.malformed, "data pages hold more values than the column chunk's \(numValues)")
                }
                try dataPageV2(d, header: header, range: range, onData)
                rowsSeen += d.numValues
            case .indexPage?, nil:
                continue
            }
        }
    }

    private func decompressPage(_ range: Range<Int>, uncompressedSize: Int) throws(ParquetError) {
        ensurePageBuffer(uncompressedSize)
        try Codec.decompress(codec, UnsafeRawBufferPointer(rebasing: chunk[range]),
                             into: UnsafeMutableRawBufferPointer(rebasing: pageBuffer[0..<uncompressedSize]))
    }

    private func dataPageV1(_ d: DataPageHeader, size: Int, _ onData: (DataPageView) throws(ParquetError) -> Void) throws(ParquetError) {
        let n = d.numValues
        var valuesStart = 0
        if leaf.maxDefinitionLevel > 0 {
            guard d.definitionLevelEncoding == Encoding.rle.rawValue else {
                throw ParquetError(.unsupported, "definition level encoding #\(d.definitionLevelEncoding) (only RLE is supported)")
            }
            guard size >= 4 else { throw ParquetError(.malformed, "data page too short for its definition levels") }
            let length = Int(UInt32(littleEndian: pageBuffer.loadUnaligned(as: UInt32.self)))
            guard length <= size - 4 else { throw ParquetError(.malformed, "definition levels overrun the page") }
            try decodeLevels(4..<4 + length, count: n)
            valuesStart = 4 + length
        }
        try emit(count: n, encoding: d.encoding, values: valuesStart..<size, hasLevels: leaf.maxDefinitionLevel > 0, onData)
    }

    private func dataPageV2(_ d: DataPageHeaderV2, header: PageHeader, range: Range<Int>,
                                     _ onData: (DataPageView) throws(ParquetError) -> Void) throws(ParquetError) {
        let levelBytes = d.definitionLevelsByteLength + d.repetitionLevelsByteLength
        guard levelBytes <= range.count, levelBytes <= header.uncompressedPageSize else {
            throw ParquetError(.malformed, "data page v2 levels overrun the page")
        }
        if d.repetitionLevelsByteLength > 0 { throw ParquetError(.unsupported, "repetition levels (nested data) are not supported") }
        let valuesUncompressed = header.uncompressedPageSize - levelBytes
        // Levels are never compressed in v2: copy them, then the (maybe compressed) values, into one buffer.
        let total = levelBytes + valuesUncompressed
        ensurePageBuffer(total)
        let codec = d.isCompressed ? self.codec : .uncompressed
        if levelBytes > 0 {
            pageBuffer.baseAddress!.copyMemory(from: chunk.baseAddress! + range.lowerBound, byteCount: levelBytes)
        }
        try Codec.decompress(codec, UnsafeRawBufferPointer(rebasing: chunk[(range.lowerBound + levelBytes)..<range.upperBound]),
                             into: UnsafeMutableRawBufferPointer(rebasing: pageBuffer[levelBytes..<total]))
        let hasLevels = leaf.maxDefinitionLevel > 0
        if hasLevels { try decodeLevels(0..<d.definitionLevelsByteLength, count: d.numValues) }
        try emit(count: d.numValues, encoding: d.encoding, values: levelBytes..<total, hasLevels: hasLevels, onData)
    }

    private func decodeLevels(_ range: Range<Int>, count: Int) throws(ParquetError) {
        if levelBuffer.count < count {
            levelBuffer.deallocate()
            levelBuffer = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count)
        }
        let maxLevel = leaf.maxDefinitionLevel
        var dec = try RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: pageBuffer[range]), bitWidth: bitWidth(for: maxLevel))
        try dec.decode(into: UnsafeMutableBufferPointer(rebasing: levelBuffer[0..<count]), limit: UInt32(maxLevel + 1))
    }

    private func emit(count n: Int, encoding: Int32, values: Range<Int>, hasLevels: Bool,
                      _ onData: (DataPageView) throws(ParquetError) -> Void) throws(ParquetError) {
        let valueBytes = UnsafeRawBufferPointer(rebasing: pageBuffer[values])
        if !hasLevels {
            try onData(DataPageView(count: n, nonNullCount: n, levels: nil, encoding: encoding, values: valueBytes))
            return
        }
        let levels = UnsafeBufferPointer(rebasing: levelBuffer[0..<n])
        var present = 0
        for l in levels { present &+= Int(l) }
        try onData(DataPageView(count: n, nonNullCount: present, levels: present == n ? nil : levels,
                                encoding: encoding, values: valueBytes))
    }
}
