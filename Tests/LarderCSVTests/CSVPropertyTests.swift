import Larder
import LarderColumnar
import LarderCSV
import Testing

@Suite("CSV round trips on random tables")
struct CSVPropertyTests {
    /// Characters that stress quoting: delimiters, quotes, both line breaks, spaces, non-ASCII.
    static let alphabet: [String] = ["a", "Z", "0", ",", ";", "\t", "\"", "\n", "\r", " ", "é", "日", "-", "."]

    static func randomColumn(_ type: ValueType, rows: Int, nullRate: Double, _ rng: inout SplitMix64) -> Column {
        var builder = ColumnBuilder(type: type, capacity: rows)
        for _ in 0..<rows {
            if Double.random(in: 0..<1, using: &rng) < nullRate {
                builder.appendNull()
                continue
            }
            switch type {
            case .bool: builder.append(Bool.random(using: &rng))
            case .int32: builder.append(Int32.random(in: .min ... .max, using: &rng))
            case .int64: builder.append(Int64.random(in: .min ... .max, using: &rng))
            case .float32:
                var v = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
                if !v.isFinite { v = 1.5 }
                builder.append(v)
            case .float64:
                var v = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
                if !v.isFinite { v = -2.25 }
                builder.append(v)
            case .string:
                let length = Int.random(in: 0...8, using: &rng)
                builder.append(string: (0..<length).map { _ in alphabet.randomElement(using: &rng)! }.joined())
            case .bytes:
                builder.append(bytes: (0..<Int.random(in: 0...6, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            case .timestamp:
                // Years 0001-9999, the range ISO-8601 text with four-digit years can hold.
                builder.append(timestampMicros: Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999, using: &rng))
            }
        }
        return builder.finish()
    }

    @Test func randomTablesRoundTripThroughEveryLayout() throws {
        var rng = SplitMix64(seed: 2026)
        let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
        for iteration in 0..<300 {
            let columnCount = Int.random(in: 1...6, using: &rng)
            let rows = Int.random(in: 0...60, using: &rng)
            let nullRate = [0.0, 0.1, 0.5, 1.0].randomElement(using: &rng)!
            let types = (0..<columnCount).map { _ in ValueType.allCases.randomElement(using: &rng)! }
            let schema = Schema(types.enumerated().map { field("c\($0.offset)", $0.element) })
            let columns = types.map { Self.randomColumn($0, rows: rows, nullRate: nullRate, &rng) }
            let batch = try ColumnBatch(schema: schema, columns: columns)

            let write = CSVWriteOptions(
                delimiter: delimiters.randomElement(using: &rng)!,
                quoting: Bool.random(using: &rng) ? .needed : .textAlways,
                lineEnding: Bool.random(using: &rng) ? .lf : .crlf)
            let bytes = try CSVWriter(options: write).encode(batch)
            let read = CSVReadOptions(
                delimiter: write.delimiter, threads: Int.random(in: 1...4, using: &rng),
                minimumChunkBytes: [1, 16, 256, 1 << 20].randomElement(using: &rng)!)
            let back = try CSVReader(schema: schema, options: read).read(bytes: bytes, name: "random-\(iteration).csv")
            #expect(back == batch, "iteration \(iteration): \(write) \(read)")
        }
    }

    @Test func randomTablesRoundTripThroughFiles() throws {
        var rng = SplitMix64(seed: 77)
        let dir = temporaryDirectory()
        defer { removeDirectory(dir) }
        for iteration in 0..<20 {
            let types = (0..<4).map { _ in ValueType.allCases.randomElement(using: &rng)! }
            let schema = Schema(types.enumerated().map { field("c\($0.offset)", $0.element) })
            let rows = Int.random(in: 0...2000, using: &rng)
            let batch = try ColumnBatch(schema: schema, columns: types.map { Self.randomColumn($0, rows: rows, nullRate: 0.2, &rng) })
            let path = dir + "/t\(iteration).csv"
            try CSVWriter().write(batch, to: path)
            let back = try CSVReader(schema: schema, options: CSVReadOptions(threads: 2, minimumChunkBytes: 512)).read(path: path)
            #expect(back == batch)
        }
    }
}
