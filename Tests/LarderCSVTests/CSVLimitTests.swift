import Larder
import LarderColumnar
import LarderCSV
import Testing

/// `maxDecodedBytes` bounds what a CSV read holds: a header of too many columns and a body whose short
/// lines expand into larger values fail with `limitExceeded` at a line, instead of taking the memory.
@Suite struct CSVLimitTests {
    func options(_ limit: Int) -> CSVReadOptions { CSVReadOptions(threads: 1, maxDecodedBytes: limit) }

    @Test("a header of more columns than the limit allows is refused at the first column past it")
    func wideHeader() throws {
        let header = (0..<2_000).map { "c\($0)" }.joined(separator: ",") + "\n"
        let error = try #require(throws: CSVError.self) {
            try CSVReader(options: options(1 << 20)).read(bytes: Array(header.utf8), name: "wide.csv")
        }
        #expect(error.kind == .limitExceeded && error.line == 1 && error.column == 1025, "\(error)")
        #expect(error.expected.contains("--max-decoded-bytes"))
        #expect(try CSVReader(options: options(4 << 20)).read(bytes: Array(header.utf8)).schema.count == 2_000)
    }

    @Test("400 KB of one-digit lines decode to 1.6 MB of int64: refused under a 1 MiB limit, read under the default")
    func amplifiedBody() throws {
        let text = "n\n" + String(repeating: "1\n", count: 200_000)
        let schema = Schema([SchemaField(name: "n", type: .int64, nullable: false)])
        let error = try #require(throws: CSVError.self) {
            try CSVReader(schema: schema, options: options(1 << 20)).read(bytes: Array(text.utf8), name: "ones.csv")
        }
        #expect(error.kind == .limitExceeded && (error.line ?? 0) > 1, "\(error)")
        #expect(error.expected.contains("maxDecodedBytes = 1048576"))
        let batch = try CSVReader(schema: schema, options: CSVReadOptions(threads: 2, minimumChunkBytes: 1024)).read(bytes: Array(text.utf8))
        #expect(batch.rowCount == 200_000 && batch.value(row: 199_999, column: 0) == .int64(1))
    }
}
