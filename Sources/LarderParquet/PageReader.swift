// Walks the pages of one column chunk: reads the chunk's bytes once, parses each page header,
// decompresses into a reused buffer and splits data pages into definition levels and values.
// Every size taken from the file is checked before use, and every buffer sized from one is reserved in the
// read's `DecodeBudget` first (released when the reader goes away).

import LarderColumnar

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
    let budget: DecodeBudget
    /// Larger pages are treated as corrupt (writers use ~1 MiB pages).
    static let maxPageSize = 1 << 30
    // Manually managed so typed-throwing code can use them without closures; freed in deinit.
    private let chunk: UnsafeMutableRawBufferPointer
    private var pageBuffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var levelBuffer = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
    /// Bytes of `pageBuffer` and `levelBuffer` reserved in `budget`.
    private var scratchReserved = 0

    deinit {
        chunk.deallocate()
        pageBuffer.deallocate()
        levelBuffer.deallocate()
        budget.release(scratchReserved)
    }

    /// The largest page this read accepts: 1 GiB, or less when the budget is smaller.
    static func pageSizeLimit(_ budget: DecodeBudget) -> Int { min(maxPageSize, budget.limit) }

    init(file: ReadableFile, meta: ColumnMetaData, leaf: LeafColumn, rowCount: Int, budget: DecodeBudget) throws(ParquetError) {
        self.leaf = leaf
        self.budget = budget
        guard let codec = ParquetCompression(codecID: meta.codec) else {
            throw ParquetError(.unsupported, "compression \(codecName(meta.codec)) is not supported (use UNCOMPRESSED, SNAPPY or ZSTD)")
        }
        self.codec = codec
        guard meta.numValues == Int64(rowCount) else {
            throw ParquetError(.malformed, "column chunk holds \(meta.numValues) values but its row group has \(rowCount) rows")
        }
        numValues = rowCount
        let range = try meta.byteRange(fileSize: file.size)
        let size = range.count
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        do throws(ParquetError) {
            try file.read(at: range.lowerBound, count: size, into: buffer.baseAddress!)
        } catch {
            buffer.deallocate()
            throw error
        }
        chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size])
    }

    /// Reserves `bytes` of decoded data or scratch in the read's budget, or fails naming what needed them.
    func reserve(_ bytes: Int?, for what: @autoclosure () -> String) throws(ParquetError) {
        guard let bytes, budget.reserve(bytes) else {
            let size = bytes.map(byteText) ?? "more than 2^63 bytes"
            throw ParquetError(
                .limitExceeded,
                "\(what()) would take \(size) with \(byteText(budget.heldBytes)) already held: the decoded size exceeds maxDecodedBytes = \(byteText(budget.limit))")
        }
    }

    /// Reserves scratch that this reader holds until it goes away.
    private func reserveScratch(_ bytes: Int?, for what: @autoclosure () -> String) throws(ParquetError) {
        try reserve(bytes, for: what())
        scratchReserved += bytes ?? 0
    }

    private func ensurePageBuffer(_ size: Int) throws(ParquetError) {
        if pageBuffer.count < size {
            let grown = max(size, 64)
            try reserveScratch(grown - pageBuffer.count, for: "a page buffer of \(grown) bytes")
            pageBuffer.deallocate()
            pageBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: grown, alignment: 16)
        }
    }

    /// Calls `onDictionary(count, encoding, bytes)` for a dictionary page and `onData` for each data page.
    /// Errors name the page (from 0, the dictionary page included).
    func forEachPage(
        onDictionary: (Int, Int32, UnsafeRawBufferPointer) throws(ParquetError) -> Void,
        onData: (DataPageView) throws(ParquetError) -> Void
    ) throws(ParquetError) {
        var position = 0
        var rowsSeen = 0
        var page = 0
        while rowsSeen < numValues {
            do throws(ParquetError) {
                try readPage(at: &position, rowsSeen: &rowsSeen, onDictionary: onDictionary, onData: onData)
            } catch {
                throw error.located(page: page)
            }
            page += 1
        }
    }

    private func readPage(
        at position: inout Int, rowsSeen: inout Int,
        onDictionary: (Int, Int32, UnsafeRawBufferPointer) throws(ParquetError) -> Void,
        onData: (DataPageView) throws(ParquetError) -> Void
    ) throws(ParquetError) {
        guard position < chunk.count else {
            throw ParquetError(.malformed, "column chunk ended after \(rowsSeen) of \(numValues) values")
        }
        var r = ThriftCompactReader(UnsafeRawBufferPointer(chunk), position: position)
        let header = try r.readPageHeader()
        let pageStart = r.position
        guard header.compressedPageSize <= chunk.count - pageStart else {
            throw ParquetError(.malformed, "page of \(header.compressedPageSize) bytes overruns its column chunk")
        }
        let pageLimit = PageReader.pageSizeLimit(budget)
        guard header.uncompressedPageSize <= pageLimit else {
            throw ParquetError(.limitExceeded, "page declares \(byteText(header.uncompressedPageSize)) uncompressed (limit \(byteText(pageLimit)))")
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
            break
        }
    }

    private func decompressPage(_ range: Range<Int>, uncompressedSize: Int) throws(ParquetError) {
        let input = UnsafeRawBufferPointer(rebasing: chunk[range])
        try Codec.checkDeclaredSize(codec, input, uncompressedSize: uncompressedSize)
        try ensurePageBuffer(uncompressedSize)
        try Codec.decompress(codec, input,
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
        let codec = d.isCompressed ? self.codec : .uncompressed
        try Codec.checkDeclaredSize(codec, UnsafeRawBufferPointer(rebasing: chunk[(range.lowerBound + levelBytes)..<range.upperBound]),
                                    uncompressedSize: valuesUncompressed)
        try ensurePageBuffer(total)
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
            try reserveScratch(DecodeBudget.product(count - levelBuffer.count, 4), for: "definition levels of \(count) rows")
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
