import Larder
import LarderColumnar
import LarderCSV

/// Mutates valid CSV text and reads it: every case must end in a clean ``CSVError`` or a correct read.
/// The same bytes are read on one thread and cut into many speculative chunks on two threads (the
/// parallel parser guesses row boundaries): both must agree — the same batch, or an error of the same
/// kind on the same line — and a batch must be well-formed. Schema inference is run on the bytes too.
///
/// ```swift
/// let report = CSVFuzzer(seed: 42).run(cases: 1_500)
/// ```
package struct CSVFuzzer: Sendable {
    let seed: UInt64
    var seeds: [(schema: Schema, bytes: [UInt8])] = []
    static let maxDecodedBytes = 64 << 20

    package init(seed: UInt64) {
        self.seed = seed
        for (k, nullable) in [true, false].enumerated() {
            let batch = ColumnChecks.sampleBatch(rows: 60, seed: seed &+ UInt64(k), nullable: nullable)
            if let bytes = try? CSVWriter().encode(batch) { seeds.append((batch.schema, bytes)) }
        }
        let quoted = "id,name,note\n1,\"a, b\",\"two\nlines\"\n2,\"say \"\"hi\"\"\",\n3,plain,\"\"\n"
        seeds.append((Schema([SchemaField(name: "id", type: .int64), SchemaField(name: "name", type: .string),
                              SchemaField(name: "note", type: .string)]), Array(quoted.utf8)))
    }

    private func options(threads: Int, chunk: Int) -> CSVReadOptions {
        CSVReadOptions(threads: threads, minimumChunkBytes: chunk, maxDecodedBytes: Self.maxDecodedBytes)
    }

    package func run(cases: Int, first: Int = 0) -> FuzzReport {
        var report = FuzzReport(name: "csv")
        for k in first..<(first + cases) {
            var mutator = ByteMutator(seed: seed &+ UInt64(k) &* 0x9E37_79B9)
            let (schema, original) = seeds[mutator.below(seeds.count)]
            var bytes = original
            mutator.mutate(&bytes)
            let serial = Result { () throws(CSVError) in try CSVReader(schema: schema, options: options(threads: 1, chunk: 1 << 20)).read(bytes: bytes, name: "case") }
            let chunked = Result { () throws(CSVError) in try CSVReader(schema: schema, options: options(threads: 2, chunk: 16)).read(bytes: bytes, name: "case") }
            switch (serial, chunked) {
            case (.success(let a), .success(let b)):
                report.record("read")
                if !ColumnChecks.same(a, b) { report.violation("one thread and chunked reads differ") }
                if a.schema != schema { report.violation("read schema \(a.schema.names) differs from the given one") }
                for (c, column) in a.columns.enumerated() {
                    if let problem = ColumnChecks.inconsistency(column, rows: a.rowCount) { report.violation("column \(c): \(problem)") }
                }
            case (.failure(let a), .failure(let b)):
                report.record("error:\(a.kind.rawValue)")
                if a.kind != b.kind || a.line != b.line {
                    report.violation("one thread failed with \(a.kind) line \(a.line ?? 0), chunked with \(b.kind) line \(b.line ?? 0)")
                }
                if a.expected.isEmpty { report.violation("error without a fix: \(a)") }
            case (.success, .failure(let e)), (.failure(let e), .success):
                report.record("error:\(e.kind.rawValue)")
                report.violation("one thread and chunked reads disagree on success: \(e)")
            }
            // Inference reads the same text without a schema.
            if case .success(let inferred) = Result(catching: { () throws(CSVError) in
                try CSVReader(options: options(threads: 1, chunk: 1 << 20)).read(bytes: bytes, name: "case")
            }) {
                for column in inferred.columns {
                    if let problem = ColumnChecks.inconsistency(column, rows: inferred.rowCount) { report.violation("inferred: \(problem)") }
                }
            }
        }
        return report
    }
}
