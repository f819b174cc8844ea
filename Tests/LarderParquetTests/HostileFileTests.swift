import Foundation
import Larder
import LarderColumnar
@testable import LarderParquet
import Testing

/// Files built to attack the reader (amplification, lying counts and sizes, bad indices, runs and delta
/// headers): each must fail with the precise error kind and location, before the memory it asks for is
/// taken — or read correctly where the file is legitimate.
@Suite struct HostileFileTests {
    typealias Page = HostileParquet.Page

    func read(_ file: HostileParquet, maxDecodedBytes: Int = ParquetReadOptions.defaultMaxDecodedBytes,
              columns: [String]? = nil) throws -> Result<ColumnBatch, ParquetError> {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.file("hostile.parquet")
        try file.write(to: path)
        return Result { () throws(ParquetError) in
            try ParquetFile(path: path, options: ParquetReadOptions(maxDecodedBytes: maxDecodedBytes)).read(columns: columns)
        }
    }

    func expectFailure(_ result: Result<ColumnBatch, ParquetError>, _ kind: ParquetError.Kind, column: String?,
                       rowGroup: Int?, page: Int?, message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .failure(let e) = result else {
            Issue.record("the hostile file was read", sourceLocation: sourceLocation)
            return
        }
        #expect(e.kind == kind, "\(e)", sourceLocation: sourceLocation)
        #expect(e.column == column && e.rowGroup == rowGroup && e.page == page, "located at \(e)", sourceLocation: sourceLocation)
        #expect(e.message.contains(message), "\(e.message)", sourceLocation: sourceLocation)
        #expect(!e.file.isEmpty, sourceLocation: sourceLocation)
    }

    /// The bytes "already held" that a limit error reports.
    func heldBytes(_ error: ParquetError) -> Int? {
        guard let range = error.message.range(of: "with ") else { return nil }
        return Int(error.message[range.upperBound...].prefix { $0.isNumber })
    }

    /// The issue's file: one 1 MiB dictionary string referenced by every row of a string column.
    func amplified(rows: Int) -> HostileParquet {
        var file = HostileParquet(columns: [.string("s")], codec: .zstd)
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        file.rowGroup(rows: Int64(rows), chunks: [[
            .dictionary(count: 1, body: HostileParquet.plainStrings([value])),
            .data(values: rows, encoding: .rleDictionary, body: HostileParquet.indices(width: 1, runs: [(0, rows)])),
        ]])
        return file
    }

    @Test("a few-KB file whose 200,000 rows reference one 1 MiB dictionary value fails before allocating 200 GB")
    func dictionaryAmplification() throws {
        let file = amplified(rows: 200_000)
        #expect(file.bytes().count < 16_384, "the file is small: \(file.bytes().count) bytes")
        let result = try read(file)
        expectFailure(result, .limitExceeded, column: "s", rowGroup: 0, page: 1, message: "209715200000 bytes")
        guard case .failure(let e) = result else { return }
        #expect(e.message.contains("maxDecodedBytes = 4294967296 bytes"), "\(e.message)")
        #expect(e.description.contains("--max-decoded-bytes"), "says how to raise the limit: \(e)")
        // Failing before the allocation: only the offsets and the dictionary were held, a few MiB.
        let held = try #require(heldBytes(e))
        #expect(held < 16 << 20, "held \(held) bytes when it refused")
    }

    @Test("the same file with 12 rows reads correctly, and a limit below its 12 MiB refuses it")
    func amplificationWithinTheLimit() throws {
        let result = try read(amplified(rows: 12))
        let batch = try result.get()
        #expect(batch.rowCount == 12)
        let value = String(repeating: "x", count: 1 << 20)
        #expect(batch.value(row: 0, column: 0) == .string(value) && batch.value(row: 11, column: 0) == .string(value))
        expectFailure(try read(amplified(rows: 12), maxDecodedBytes: 8 << 20), .limitExceeded, column: "s", rowGroup: 0, page: 1,
                      message: "12582912 bytes")
    }

    @Test("footer row counts are checked against the pages before any array is sized from them")
    func footerCountsNotTrusted() throws {
        // 100 int64 columns whose footer claims 1.2M rows (960 MB decoded) over pages of 10 values each.
        var file = HostileParquet(columns: (0..<100).map { .int64("c\($0)") })
        let page = Page.data(values: 10, encoding: .plain, body: (0..<10).flatMap { HostileParquet.le32(UInt32($0)) + [0, 0, 0, 0] })
        file.rowGroup(rows: 1_200_000, chunks: Array(repeating: [page], count: 100))
        // With the pages unchecked, the 960 MB of columns would be the first thing refused (or allocated).
        expectFailure(try read(file, maxDecodedBytes: 100 << 20), .malformed, column: "c0", rowGroup: 0, page: 1,
                      message: "column chunk ended after 10 of the 1200000 values its row group declares")
    }

    @Test("row counts that overflow, exceed a row group's bound, disagree or are implausible for the file size")
    func rowCounts() throws {
        func file(_ groups: [Int64], fileRows: Int64? = nil) -> HostileParquet {
            var f = HostileParquet(columns: [.int64("n")])
            for rows in groups { f.rowGroup(rows: rows, chunks: [[Page.data(values: 1, encoding: .plain, body: [1, 0, 0, 0, 0, 0, 0, 0])]]) }
            f.fileRows = fileRows
            return f
        }
        expectFailure(try read(file([1, .max], fileRows: 1)), .malformed, column: nil, rowGroup: 1, page: nil, message: "row group with 9223372036854775807 rows")
        expectFailure(try read(file([1, -5], fileRows: 1)), .malformed, column: nil, rowGroup: 1, page: nil, message: "row group with -5 rows")
        let big = Int64(Int32.max) * 64
        expectFailure(try read(file([big, big])), .malformed, column: nil, rowGroup: nil, page: nil, message: "implausible")
        expectFailure(try read(file([1, 1], fileRows: 3)), .malformed, column: nil, rowGroup: nil, page: nil, message: "row groups hold 2 rows but the footer declares 3")
        // Sizes computed from counts never overflow silently.
        #expect(DecodeBudget.product(Int.max / 2, 3) == nil && DecodeBudget.sum(Int.max, 1) == nil && DecodeBudget.product(-1, 2) == nil)
    }

    @Test("a page that overruns its chunk, or whose header is cut, names its row group and page")
    func truncatedPages() throws {
        var overrun = HostileParquet(columns: [.int64("n")])
        var page = Page.data(values: 2, encoding: .plain, body: [UInt8](repeating: 1, count: 16))
        page.header.compressedPageSize = 1000
        page.header.uncompressedPageSize = 1000
        overrun.rowGroup(rows: 2, chunks: [[Page.data(values: 0, encoding: .plain, body: []), page]])
        expectFailure(try read(overrun), .malformed, column: "n", rowGroup: 0, page: 1, message: "page of 1000 bytes overruns its column chunk")

        // The second row group's chunk ends inside its only page's values.
        var short = HostileParquet(columns: [.int64("n")])
        short.rowGroup(rows: 1, chunks: [[Page.data(values: 1, encoding: .plain, body: [7, 0, 0, 0, 0, 0, 0, 0])]])
        short.rowGroup(rows: 3, chunks: [[Page.data(values: 3, encoding: .plain, body: [UInt8](repeating: 0, count: 9))]])
        expectFailure(try read(short), .malformed, column: "n", rowGroup: 1, page: 0, message: "PLAIN page holds fewer than its 3 values")

        // A page header that declares 1 GiB uncompressed over a few snappy bytes is refused before the buffer exists.
        var lying = HostileParquet(columns: [.int64("n")], codec: .snappy)
        lying.rowGroup(rows: 1, chunks: [[Page.data(values: 1, encoding: .plain, body: [7, 0, 0, 0, 0, 0, 0, 0], uncompressedSize: 1 << 30)]])
        expectFailure(try read(lying), .malformed, column: "n", rowGroup: 0, page: 0, message: "SNAPPY page holds 8 bytes but its header declares 1073741824")
    }

    @Test("dictionary indices past the dictionary, and dictionary counts past their page")
    func badDictionaries() throws {
        var file = HostileParquet(columns: [.string("s")])
        file.rowGroup(rows: 16, chunks: [[
            .dictionary(count: 2, body: HostileParquet.plainStrings([[0x61], [0x62]])),
            .data(values: 16, encoding: .rleDictionary, body: HostileParquet.indices(width: 3, runs: [(1, 8), (5, 8)])),
        ]])
        expectFailure(try read(file), .malformed, column: "s", rowGroup: 0, page: 1, message: "RLE value 5 out of range (must be < 2)")

        var counted = HostileParquet(columns: [.string("s")])
        counted.rowGroup(rows: 1, chunks: [[
            .dictionary(count: Int(Int32.max), body: HostileParquet.plainStrings([[0x61]])),
            .data(values: 1, encoding: .rleDictionary, body: HostileParquet.indices(width: 1, runs: [(0, 1)])),
        ]])
        expectFailure(try read(counted), .malformed, column: "s", rowGroup: 0, page: 0, message: "dictionary page holds fewer than its 2147483647 values")
    }

    @Test("definition-level runs with values past the maximum level, or longer than their page")
    func badRuns() throws {
        var level = HostileParquet(columns: [.int64("n", optional: true)])
        var body = HostileParquet.definitionLevels([(2, 8)])
        body += [UInt8](repeating: 0, count: 64)
        level.rowGroup(rows: 8, chunks: [[Page.data(values: 8, encoding: .plain, body: body)]])
        expectFailure(try read(level), .malformed, column: "n", rowGroup: 0, page: 0, message: "RLE value 2 out of range (must be < 2)")

        var packed = HostileParquet(columns: [.int64("n", optional: true)])
        // A bit-packed run header of 2^20 groups over a 3-byte level section.
        let run = HostileParquet.varint(UInt64(1 << 20) << 1 | 1) + [0xFF]
        packed.rowGroup(rows: 8, chunks: [[Page.data(values: 8, encoding: .plain, body: HostileParquet.le32(UInt32(run.count)) + run)]])
        expectFailure(try read(packed), .malformed, column: "n", rowGroup: 0, page: 0, message: "bit-packed run longer than the page")

        var endless = HostileParquet(columns: [.int64("n", optional: true)])
        let header = [UInt8](repeating: 0xFF, count: 11)
        endless.rowGroup(rows: 8, chunks: [[Page.data(values: 8, encoding: .plain, body: HostileParquet.le32(11) + header)]])
        expectFailure(try read(endless), .malformed, column: "n", rowGroup: 0, page: 0, message: "RLE run header too long")
    }

    @Test("DELTA_BINARY_PACKED headers that break the spec, and a count that disagrees with the page")
    func badDeltaHeaders() throws {
        func file(_ body: [UInt8], values: Int = 4) -> HostileParquet {
            var f = HostileParquet(columns: [.int64("n")])
            f.rowGroup(rows: Int64(values), chunks: [[Page.data(values: values, encoding: .deltaBinaryPacked, body: body)]])
            return f
        }
        let bad: [[UInt8]] = [
            HostileParquet.varint(0) + HostileParquet.varint(4) + HostileParquet.varint(4) + [0],        // block size 0
            HostileParquet.varint(128) + HostileParquet.varint(3) + HostileParquet.varint(4) + [0],      // 3 does not divide 128
            HostileParquet.varint(128) + HostileParquet.varint(4) + HostileParquet.varint(1 << 40) + [0], // count past 2^31
        ]
        for body in bad {
            expectFailure(try read(file(body)), .malformed, column: "n", rowGroup: 0, page: 0, message: "invalid DELTA_BINARY_PACKED header")
        }
        expectFailure(try read(file(HostileParquet.deltaArithmetic(first: 0, step: 1, count: 2))), .malformed, column: "n", rowGroup: 0, page: 0,
                      message: "DELTA_BINARY_PACKED holds 2 values, 4 expected")
    }

    /// DELTA_BYTE_ARRAY values of length 1, 2, 3 ... N: each repeats all of the previous value and adds
    /// one byte, so a page of N values and ~N bytes decodes to N²/2 bytes.
    func deltaStrings(count: Int) -> HostileParquet {
        var f = HostileParquet(columns: [.string("s")])
        let body = HostileParquet.deltaArithmetic(first: 0, step: 1, count: count)          // prefix lengths 0, 1, 2, ...
            + HostileParquet.deltaArithmetic(first: 1, step: 0, count: count)               // suffix lengths 1, 1, ...
            + [UInt8](repeating: UInt8(ascii: "y"), count: count)
        f.rowGroup(rows: Int64(count), chunks: [[Page.data(values: count, encoding: .deltaByteArray, body: body)]])
        return f
    }

    @Test("DELTA_BYTE_ARRAY prefixes that decode quadratically are refused, and read correctly when small")
    func deltaByteArrayAmplification() throws {
        let huge = deltaStrings(count: 100_000)  // ~5 GB decoded from ~100 KB
        expectFailure(try read(huge), .limitExceeded, column: "s", rowGroup: 0, page: 0, message: "DELTA_BYTE_ARRAY values decode to more than maxDecodedBytes")
        let small = try read(deltaStrings(count: 300)).get()
        #expect(small.value(row: 0, column: 0) == .string("y"))
        #expect(small.value(row: 299, column: 0) == .string(String(repeating: "y", count: 300)))

        var longer = HostileParquet(columns: [.string("s")])
        let body = HostileParquet.deltaArithmetic(first: 1, step: 0, count: 2) + HostileParquet.deltaArithmetic(first: 1, step: 0, count: 2) + [0x61, 0x62]
        longer.rowGroup(rows: 2, chunks: [[Page.data(values: 2, encoding: .deltaByteArray, body: body)]])
        expectFailure(try read(longer), .malformed, column: "s", rowGroup: 0, page: 0, message: "DELTA_BYTE_ARRAY prefix 1 longer than the previous value (0 bytes)")
    }

    @Test("string lengths past their page, in PLAIN pages and in dictionaries")
    func hugeStringLengths() throws {
        var plain = HostileParquet(columns: [.string("s")])
        plain.rowGroup(rows: 2, chunks: [[Page.data(values: 2, encoding: .plain, body: HostileParquet.plainStrings([[0x61]]) + HostileParquet.le32(0xFFFF_FFF0) + [0x62])]])
        expectFailure(try read(plain), .malformed, column: "s", rowGroup: 0, page: 0, message: "BYTE_ARRAY value overruns its page")

        var dictionary = HostileParquet(columns: [.string("s")])
        dictionary.rowGroup(rows: 1, chunks: [[
            .dictionary(count: 1, body: HostileParquet.le32(0x7FFF_FFFF) + [0x61]),
            .data(values: 1, encoding: .rleDictionary, body: HostileParquet.indices(width: 1, runs: [(0, 1)])),
        ]])
        expectFailure(try read(dictionary), .malformed, column: "s", rowGroup: 0, page: 0, message: "dictionary value overruns its page")
    }

    @Test("a footer of a million empty structs is refused by the limit instead of expanding a hundredfold")
    func footerAmplification() throws {
        var file = HostileParquet(columns: [.int64("n")])
        file.rowGroup(rows: 1, chunks: [[Page.data(values: 1, encoding: .plain, body: [1, 0, 0, 0, 0, 0, 0, 0])]])
        file.keyValues = Array(repeating: KeyValue(key: "", value: nil), count: 1_000_000)
        let bytes = file.bytes()
        #expect(bytes.count < 4 << 20)
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.file("footer.parquet")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = Result { () throws(ParquetError) in try ParquetFile(path: path, options: ParquetReadOptions(maxDecodedBytes: 8 << 20)) }
        guard case .failure(let e) = result else { Issue.record("read a footer that decodes past the limit"); return }
        #expect(e.kind == .limitExceeded && e.message.contains("the footer's metadata decodes to more than maxDecodedBytes"), "\(e)")
        // Within the default limit the same file opens.
        #expect(throws: Never.self) { try ParquetFile(path: path) }
    }

    @Test("a page larger than the limit is refused from its header")
    func pageLargerThanTheLimit() throws {
        var file = HostileParquet(columns: [.int64("n")])
        file.rowGroup(rows: 2, chunks: [[Page.data(values: 2, encoding: .plain, body: [UInt8](repeating: 0, count: 8192))]])
        #expect(try read(file, maxDecodedBytes: 1 << 20).get().rowCount == 2)
        expectFailure(try read(file, maxDecodedBytes: 4096), .limitExceeded, column: "n", rowGroup: 0, page: 0,
                      message: "page declares 8192 bytes (8.0 KiB) uncompressed (limit 4096 bytes (4.0 KiB))")
    }
}
