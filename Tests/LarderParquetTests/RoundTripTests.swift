import Foundation
import Larder
import LarderColumnar
import LarderParquet
import Testing

@Suite struct RoundTripTests {
    @Test(arguments: NullPattern.allCases, ParquetCompression.allCases)
    func everyTypeNullPatternAndCodec(pattern: NullPattern, codec: ParquetCompression) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        for dictionary in [true, false] {
            let batch = makeBatch(rows: 333, pattern: pattern, seed: 11)
            let path = dir.file("t.parquet")
            try ParquetFile.write(batch, to: path, options: ParquetWriteOptions(
                compression: codec, rowGroupSize: 100, dataPageSize: 1024, useDictionary: dictionary))
            let file = try ParquetFile(path: path)
            #expect(file.rowCount == 333)
            #expect(file.rowGroups.map(\.rowCount) == [100, 100, 100, 33])
            #expect(file.rowGroups[0].columns.allSatisfy { $0.compression == codec.rawValue.uppercased() })
            let back = try file.read()
            #expect(firstDifference(batch, back) == nil)
            let strings = file.rowGroups[0].columns.first { $0.name == "string_col" }!
            #expect(strings.encodings.contains("RLE_DICTIONARY") == dictionary)
        }
    }

    @Test func randomTablesRoundTrip() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var rng = SplitMix64(seed: 424_242)
        for iteration in 0..<60 {
            let types = (0..<(1 + Int(rng.next() % 6))).map { _ in ValueType.allCases[Int(rng.next() % 8)] }
            let rows = Int(rng.next() % 700)
            let pattern = NullPattern.allCases[Int(rng.next() % 4)]
            let batch = makeBatch(rows: rows, pattern: pattern, seed: rng.next(), types: types)
            let options = ParquetWriteOptions(
                compression: ParquetCompression.allCases[Int(rng.next() % 3)],
                rowGroupSize: 1 + Int(rng.next() % 300),
                dataPageSize: 1024 + Int(rng.next() % 4096),
                useDictionary: rng.next() & 1 == 0,
                dictionaryPageSizeLimit: 64 + Int(rng.next() % 2048))
            let path = dir.file("r\(iteration).parquet")
            // Feed the writer in several batches so row groups straddle batch boundaries.
            let writer = try ParquetWriter(path: path, schema: batch.schema, options: options)
            var at = 0
            while at < rows {
                let n = min(rows - at, 1 + Int(rng.next() % 250))
                try writer.write(batch.slice(at..<at + n))
                at += n
            }
            try writer.close()
            let back = try ParquetFile.read(path)
            #expect(firstDifference(batch, back) == nil, "iteration \(iteration): \(options)")
        }
    }

    @Test func projectionReadsRequestedColumnsInOrder() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let batch = makeBatch(rows: 50, pattern: .random, seed: 5)
        try ParquetFile.write(batch, to: dir.file("p.parquet"))
        let part = try ParquetFile.read(dir.file("p.parquet"), columns: ["timestamp_col", "int32_col"])
        #expect(part.schema.names == ["timestamp_col", "int32_col"])
        #expect(firstDifference(try batch.selecting(["timestamp_col", "int32_col"]), part) == nil)
        let error = try #require(throws: ParquetError.self) { try ParquetFile.read(dir.file("p.parquet"), columns: ["nope"]) }
        #expect(error.kind == .invalidArgument)
        #expect(error.description.contains("nope") && error.description.contains("p.parquet"))
    }

    @Test func metadataStatisticsAndLogicalTypes() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let batch = try ColumnBatch(schema: Schema([
            SchemaField(name: "id", type: .int64, nullable: false),
            SchemaField(name: "ts", type: .timestamp),
            SchemaField(name: "name", type: .string),
        ]), columns: [Column(int64: [3, 1, 2]), Column(timestampMicros: [0, 5, 0], validity: Bitmap([false, true, false])),
                      Column(strings: ["b", nil, "a"])])
        var options = ParquetWriteOptions(compression: .snappy)
        options.keyValueMetadata = ["larder.view": "drivers", "empty": ""]
        try ParquetFile.write(batch, to: dir.file("m.parquet"), options: options)
        let file = try ParquetFile(path: dir.file("m.parquet"))
        #expect(file.schema == batch.schema)
        #expect(file.keyValueMetadata == ["larder.view": "drivers", "empty": ""])
        #expect(file.createdBy?.hasPrefix("larder-parquet") == true)
        #expect(file.rowGroups[0].columns.map(\.nullCount) == [0, 2, 1])
        #expect(file.rowGroups[0].columns.map(\.compression) == ["SNAPPY", "SNAPPY", "SNAPPY"])
        #expect(dir.entries == ["m.parquet"], "no temporary file left behind")
    }

    /// Chunk statistics must equal the min/max/null count of each row group's values.
    @Test func statisticsMatchRowGroupValues() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        for pattern in NullPattern.allCases {
            let batch = makeBatch(rows: 250, pattern: pattern, seed: 21)
            let path = dir.file("s.parquet")
            try ParquetFile.write(batch, to: path, options: ParquetWriteOptions(rowGroupSize: 90))
            let file = try ParquetFile(path: path)
            var start = 0
            for group in file.rowGroups {
                let rows = batch.slice(start..<start + group.rowCount)
                for (c, info) in group.columns.enumerated() {
                    let values = (0..<rows.rowCount).map { rows.value(row: $0, column: c) }
                        .filter { v in
                            if case .float32(let x) = v, x.isNaN { return false }
                            if case .float64(let x) = v, x.isNaN { return false }
                            return !v.isNull
                        }
                    #expect(info.nullCount == rows.columns[c].nullCount, "\(pattern) \(info.name)")
                    let longest = values.map { v -> Int in if case .string(let s) = v { s.utf8.count } else if case .bytes(let b) = v { b.count } else { 0 } }.max() ?? 0
                    if values.isEmpty || longest > 256 {
                        #expect(info.minValue == nil || !values.isEmpty, "\(pattern) \(info.name)")
                        continue
                    }
                    let sorted = values.sorted { statOrder($0, $1) }
                    #expect(info.minValue.map { statEqual($0, sorted.first!) } == true, "\(pattern) \(info.name) min \(String(describing: info.minValue)) vs \(sorted.first!)")
                    #expect(info.maxValue.map { statEqual($0, sorted.last!) } == true, "\(pattern) \(info.name) max \(String(describing: info.maxValue)) vs \(sorted.last!)")
                }
                start += group.rowCount
            }
        }
    }

    @Test func writerIsAtomicAndValidatesInput() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.file("a.parquet")
        let old = makeBatch(rows: 10, pattern: .none, seed: 1)
        try ParquetFile.write(old, to: path)
        let new = makeBatch(rows: 20, pattern: .random, seed: 2)
        do {
            let writer = try ParquetWriter(path: path, schema: new.schema)
            try writer.write(new)
            // Until close(), readers still see the old file.
            #expect(try ParquetFile(path: path).rowCount == 10)
            try writer.close()
            #expect(throws: ParquetError.self) { try writer.write(new) }
        }
        #expect(try ParquetFile(path: path).rowCount == 20)
        do {
            let abandoned = try ParquetWriter(path: dir.file("never.parquet"), schema: new.schema)
            try abandoned.write(new)
        }
        #expect(Set(dir.entries) == ["a.parquet"], "an abandoned writer removes its temporary file")
        let writer = try ParquetWriter(path: dir.file("b.parquet"), schema: new.schema)
        let error = try #require(throws: ParquetError.self) { try writer.write(old.selecting(["int64_col"])) }
        #expect(error.kind == .invalidArgument)
        let required = Schema([SchemaField(name: "x", type: .int64, nullable: false)])
        let nulls = try ColumnBatch(["x": Column(int64: [0], validity: Bitmap([false]))])
        let w2 = try ParquetWriter(path: dir.file("c.parquet"), schema: required)
        #expect(throws: ParquetError.self) { try w2.write(nulls) }
        #expect(throws: ParquetError.self) { try ParquetWriter(path: dir.file("missing-dir/x.parquet"), schema: required) }
    }

    @Test func emptyAndLargeStringDictionaryFallback() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let empty = ColumnBatch.empty(schema: Schema([SchemaField(name: "s", type: .string)]))
        try ParquetFile.write(empty, to: dir.file("e.parquet"))
        let e = try ParquetFile.read(dir.file("e.parquet"))
        #expect(e.rowCount == 0 && e.schema == empty.schema)
        let distinct = Column(strings: (0..<5000).map { "unique-value-\($0)-" + String(repeating: "x", count: $0 % 50) })
        let batch = try ColumnBatch(["s": distinct])
        try ParquetFile.write(batch, to: dir.file("f.parquet"), options: ParquetWriteOptions(dictionaryPageSizeLimit: 4096))
        let file = try ParquetFile(path: dir.file("f.parquet"))
        #expect(!file.rowGroups[0].columns[0].encodings.contains("RLE_DICTIONARY"), "falls back to PLAIN")
        #expect(firstDifference(batch, try file.read()) == nil)
    }
}

/// Ascending order of non-null values as Parquet statistics define it (strings/bytes as unsigned bytes).
func statOrder(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.bool(let x), .bool(let y)): return !x && y
    case (.int32(let x), .int32(let y)): return x < y
    case (.int64(let x), .int64(let y)): return x < y
    case (.float32(let x), .float32(let y)): return x < y
    case (.float64(let x), .float64(let y)): return x < y
    case (.timestamp(let x), .timestamp(let y)): return x < y
    case (.string(let x), .string(let y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
    case (.bytes(let x), .bytes(let y)): return x.lexicographicallyPrecedes(y)
    default: return false
    }
}

/// Equality for statistics, where a zero may be stored as -0.0 (min) or +0.0 (max).
func statEqual(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.float32(let x), .float32(let y)): return x == y
    case (.float64(let x), .float64(let y)): return x == y
    default: return a == b
    }
}
