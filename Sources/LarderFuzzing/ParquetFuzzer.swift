import Foundation
import Larder
import LarderColumnar
import LarderParquet

/// Mutates valid Parquet files and reads them back: every case must end in a clean ``ParquetError`` or
/// a correct read. A read that succeeds must be self-consistent (the footer's row count, the file's
/// schema, well-formed columns), agree with reading one of its columns alone, and — when the mutation
/// only touched the footer's key-value metadata — equal the original.
///
/// ```swift
/// let report = try ParquetFuzzer(seed: 42).run(cases: 2_000)
/// assert(report.violationCount == 0)
/// ```
package struct ParquetFuzzer: Sendable {
    /// A valid file, what it decodes to, and where a mutation cannot change the data.
    struct Seed: Sendable {
        var name: String
        var bytes: [UInt8]
        var batch: ColumnBatch?
        /// The bytes of a key-value metadata value: mutating them in place must not change the read.
        var inert: Range<Int>?
    }

    let seed: UInt64
    let directory: String
    var seeds: [Seed] = []
    /// Small, so a mutation whose counts decode legitimately to gigabytes stops early instead.
    let options = ParquetReadOptions(maxDecodedBytes: 64 << 20)
    static let padding = "larder-fuzz-padding-" + String(repeating: "p", count: 48)

    /// Writes the seed files (every value type; dictionary, PLAIN, nullable, several row groups and the
    /// three codecs); `extraFiles` adds files written by other writers (pyarrow's delta and v2 pages).
    package init(seed: UInt64, extraFiles: [String] = []) throws {
        self.seed = seed
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("larder-fuzz-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let variants: [(String, ParquetWriteOptions, Bool)] = [
            ("zstd-dictionary-nullable", ParquetWriteOptions(compression: .zstd, rowGroupSize: 70, dataPageSize: 512), true),
            ("snappy-plain", ParquetWriteOptions(compression: .snappy, rowGroupSize: 200, dataPageSize: 2048, useDictionary: false), true),
            ("uncompressed-required", ParquetWriteOptions(compression: .uncompressed, rowGroupSize: 1000, dataPageSize: 4096), false),
        ]
        for (k, (name, base, nullable)) in variants.enumerated() {
            var options = base
            options.keyValueMetadata["larder.fuzz"] = Self.padding
            let batch = ColumnChecks.sampleBatch(rows: 150, seed: seed &+ UInt64(k), nullable: nullable)
            let path = directory + "/" + name + ".parquet"
            try ParquetFile.write(batch, to: path, options: options)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            seeds.append(Seed(name: name, bytes: bytes, batch: batch, inert: Self.find(Array(Self.padding.utf8), in: bytes)))
        }
        for file in extraFiles {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            let batch = try? ParquetFile(path: file, options: options).read(columns: ParquetFile(path: file).schema.names)
            seeds.append(Seed(name: URL(fileURLWithPath: file).lastPathComponent, bytes: bytes, batch: batch, inert: nil))
        }
    }

    /// Removes the seed files.
    package func cleanup() { try? FileManager.default.removeItem(atPath: directory) }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            return i..<(i + needle.count)
        }
        return nil
    }

    /// Runs `cases` mutated reads (case `k` uses seed `seed + k`, so any case can be replayed alone).
    package func run(cases: Int, first: Int = 0) -> FuzzReport {
        var report = FuzzReport(name: "parquet")
        let path = directory + "/case-\(first).parquet"  // one file per batch: batches may run in parallel
        for k in first..<(first + cases) {
            var mutator = ByteMutator(seed: seed &+ UInt64(k) &* 0x9E37_79B9)
            let original = seeds[mutator.below(seeds.count)]
            var bytes = original.bytes
            // One case in eight only rewrites the metadata padding in place: the data must read unchanged.
            let inertOnly = original.inert != nil && mutator.below(8) == 0
            mutator.mutate(&bytes, within: inertOnly ? original.inert : nil)
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                report.violation("cannot write \(path)")
                continue
            }
            check(path: path, original: original, inertOnly: inertOnly, alone: mutator.below(1 << 20), report: &report)
        }
        return report
    }

    private func check(path: String, original: Seed, inertOnly: Bool, alone: Int, report: inout FuzzReport) {
        let file: ParquetFile
        let batch: ColumnBatch
        do throws(ParquetError) {
            file = try ParquetFile(path: path, options: options)
            batch = try file.read(columns: file.schema.names)
        } catch {
            report.record("error:\(error.kind)")
            if inertOnly, original.batch != nil { report.violation("\(original.name): a metadata-only mutation failed: \(error)") }
            if error.message.isEmpty || error.file.isEmpty { report.violation("\(original.name): error without a message or file: \(error)") }
            return
        }
        report.record(inertOnly ? "read:unchanged" : "read")
        // A file with no readable column reads as an empty batch (no column carries its rows).
        guard batch.rowCount == file.rowCount || batch.schema.count == 0, batch.schema == file.schema else {
            return report.violation("\(original.name): read \(batch.rowCount) rows of \(batch.schema.names) but the file declares \(file.rowCount) of \(file.schema.names)")
        }
        for (c, column) in batch.columns.enumerated() {
            if let problem = ColumnChecks.inconsistency(column, rows: batch.rowCount) {
                return report.violation("\(original.name): column \(batch.schema[c].name): \(problem)")
            }
        }
        if inertOnly, let expected = original.batch, !ColumnChecks.same(expected, batch) {
            return report.violation("\(original.name): a metadata-only mutation changed the data")
        }
        // Reading one column alone reads only its chunks: it must give the same column.
        if !batch.schema.names.isEmpty {
            let name = batch.schema.names[alone % batch.schema.count]
            do throws(ParquetError) {
                let alone = try file.read(columns: [name])
                if !ColumnChecks.same(alone.columns[0], batch.column(named: name)!) {
                    report.violation("\(original.name): column \(name) read alone differs from the full read")
                }
            } catch {
                report.violation("\(original.name): column \(name) fails alone but read with the others: \(error)")
            }
        }
    }
}
