import Foundation
import LarderFuzzing
import Testing

/// The decoders' seeded mutation fuzzers, a few thousand cases each (`scripts/fuzz-decoders.sh` runs
/// millions): every case must end in a clean error or a correct read, and the oracles must hold.
@Suite("Decoder mutation fuzzers (seeded)")
struct DecoderFuzzTests {
    /// pyarrow-written files (dictionary, delta and v2 pages) in the Parquet tests' fixtures.
    static var fixtures: [String] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LarderParquetTests/Fixtures").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".parquet") }.sorted().map { dir + "/" + $0 }
    }

    func expectClean(_ report: FuzzReport, minimumReads: Int = 1) {
        #expect(report.violationCount == 0, "\(report)\n\(report.violations.joined(separator: "\n"))")
        // Both outcomes are reached, or the mutations are not exercising the decoder.
        #expect(report.reads >= minimumReads && report.errors > 0, "\(report)")
    }

    @Test("mutated Parquet files: a clean ParquetError or a self-consistent read (2,000 cases)")
    func parquet() throws {
        let fuzzer = try ParquetFuzzer(seed: 0x9A2F, extraFiles: Self.fixtures)
        defer { fuzzer.cleanup() }
        let report = fuzzer.run(cases: 2_000)
        expectClean(report, minimumReads: 50)
        #expect((report.outcomes["read:unchanged"] ?? 0) > 20, "metadata-only mutations were tried and read unchanged: \(report)")
    }

    @Test("mutated CSV files: one thread and speculative chunks agree, errors are clean (1,500 cases)")
    func csv() {
        expectClean(CSVFuzzer(seed: 0xC5F).run(cases: 1_500), minimumReads: 50)
    }

    @Test("mutated Redis reply streams: same replies whole or in pieces, no allocation from headers (1,500 cases)")
    func redisReplies() {
        expectClean(RedisReplyFuzzer(seed: 0x4ED1).run(cases: 1_500), minimumReads: 50)
    }

    /// Moved here from the JSON reader's tests and extended with hostile blocks (deep nesting, long
    /// numbers, long strings and lists).
    @Test("mutated lookup bodies: a request or a 400 with a code (5,000 cases)")
    func lookupBodies() {
        expectClean(JSONBodyFuzzer(seed: 0xF022).run(cases: 5_000), minimumReads: 100)
    }
}
