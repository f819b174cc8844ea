// Before any column array is sized from the footer's row counts, every chunk's page headers are read
// straight from the file (a small read per page, no decompression): the data pages must hold exactly the
// values the footer declares, and each page must lie inside its chunk. A footer that claims a billion rows
// over a few bytes of pages fails here, before it can make the reader allocate anything.

extension ColumnMetaData {
    /// The chunk's bytes in the file: from its first page (the dictionary page when there is one).
    func byteRange(fileSize: Int) throws(ParquetError) -> Range<Int> {
        var start = dataPageOffset
        if let d = dictionaryPageOffset, d > 0, d < start { start = d }
        guard start >= 4, totalCompressedSize >= 0, start <= Int64(fileSize), totalCompressedSize <= Int64(fileSize) - start else {
            throw ParquetError(.malformed, "column chunk byte range (offset \(start), \(totalCompressedSize) bytes) lies outside the \(fileSize)-byte file")
        }
        return Int(start)..<Int(start + totalCompressedSize)
    }
}

enum PageHeaderScan {
    /// Bytes read for a page header at first; a header that does not fit (large statistics) is read again
    /// with a window 16 times larger, up to the end of the chunk.
    static let firstWindow = 256

    /// Checks that the pages of the chunk `meta` hold exactly `rowCount` values; returns the page count.
    static func check(file: ReadableFile, meta: ColumnMetaData, rowCount: Int, maxPageSize: Int) throws(ParquetError) -> Int {
        let range = try meta.byteRange(fileSize: file.size)
        var position = range.lowerBound
        var valuesSeen = 0
        var page = 0
        while valuesSeen < rowCount {
            do throws(ParquetError) {
                guard position < range.upperBound else {
                    throw ParquetError(.malformed, "column chunk ended after \(valuesSeen) of the \(rowCount) values its row group declares")
                }
                let (header, headerSize) = try readHeader(file, at: position, chunkEnd: range.upperBound)
                let pageStart = position + headerSize
                guard header.compressedPageSize <= range.upperBound - pageStart else {
                    throw ParquetError(.malformed, "page of \(header.compressedPageSize) bytes overruns its column chunk")
                }
                guard header.uncompressedPageSize <= maxPageSize else {
                    throw ParquetError(.limitExceeded, "page declares \(byteText(header.uncompressedPageSize)) uncompressed (limit \(byteText(maxPageSize)))")
                }
                let values: Int
                switch PageType(rawValue: header.type) {
                case .dataPage?:
                    guard let d = header.dataPage else { throw ParquetError(.malformed, "data page without its header") }
                    values = d.numValues
                case .dataPageV2?:
                    guard let d = header.dataPageV2 else { throw ParquetError(.malformed, "data page v2 without its header") }
                    values = d.numValues
                default:
                    values = 0
                }
                guard values <= rowCount - valuesSeen else {
                    throw ParquetError(.malformed, "data pages hold more than the \(rowCount) values their row group declares")
                }
                valuesSeen += values
                position = pageStart + header.compressedPageSize
            } catch {
                throw error.located(page: page)
            }
            page += 1
        }
        return page
    }

    /// Parses the page header at `position`, reading more of the chunk when the first window cuts it.
    private static func readHeader(_ file: ReadableFile, at position: Int, chunkEnd: Int) throws(ParquetError) -> (PageHeader, Int) {
        var window = min(firstWindow, chunkEnd - position)
        while true {
            let bytes = try file.readBytes(at: position, count: window)
            var result: Result<(PageHeader, Int), ParquetError> = .failure(ParquetError(.malformed, "empty page header"))
            bytes.withUnsafeBytes { raw in
                var r = ThriftCompactReader(raw)
                do throws(ParquetError) {
                    let header = try r.readPageHeader()
                    result = .success((header, r.position))
                } catch {
                    result = .failure(error)
                }
            }
            switch result {
            case .success(let parsed): return parsed
            case .failure(let error):
                // Any failure inside a cut window may be the cut: retry larger until the whole chunk is in view.
                guard window < chunkEnd - position else { throw error }
                window = min(window * 16, chunkEnd - position)
            }
        }
    }
}
