import Larder
import LarderColumnar
import LarderCSV
import Testing

@Suite("CSVWriter")
struct CSVWriterTests {
    @Test func writesRFC4180WithMinimalQuoting() throws {
        let batch = try ColumnBatch([
            "id": Column(int64: [1, 2, 3, 4]),
            "text": Column(strings: ["plain", "a,b", "say \"hi\"", nil]),
            "empty": Column(strings: ["", "x\ny", "cr\r", "ok"]),
        ])
        let text = String(decoding: try CSVWriter().encode(batch), as: UTF8.self)
        #expect(text == "id,text,empty\n1,plain,\"\"\n2,\"a,b\",\"x\ny\"\n3,\"say \"\"hi\"\"\",\"cr\r\"\n4,,ok\n")
    }

    @Test func writesTimestampsFloatsBoolsBytesAndNulls() throws {
        let batch = try ColumnBatch([
            "t": column(.timestamp, [.timestamp(Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_001)), .null,
                                     .timestamp(Timestamp(microsecondsSinceEpoch: -1))]),
            "f": Column(float32: [0.1, 0, 1e-5]),
            "d": Column(float64: [0.1, .infinity, -2]),
            "b": Column(bool: [true, false, true], validity: Bitmap([true, true, false])),
            "by": Column(bytes: [[0xAB, 0x01], [], nil]),
            "i": Column(int32: [Int32.min, 0, 7]),
        ])
        let text = String(decoding: try CSVWriter().encode(batch), as: UTF8.self)
        #expect(text == """
            t,f,d,b,by,i
            2026-01-01T00:00:00.000001Z,0.1,0.1,true,0xab01,-2147483648
            ,0.0,inf,false,0x,0
            1969-12-31T23:59:59.999999Z,1e-05,-2.0,,,7

            """)
    }

    @Test func textAlwaysQuotingMatchesPyarrowLayout() throws {
        let batch = try ColumnBatch([
            "driver_id": Column(int64: [1000]),
            "event_timestamp": Column(timestampMicros: [1_767_225_600_000_000]),
            "name": Column(strings: ["x"]),
            "rate": Column(float32: [0.5]),
        ])
        var options = CSVWriteOptions(quoting: .textAlways)
        options.lineEnding = .crlf
        let text = String(decoding: try CSVWriter(options: options).encode(batch), as: UTF8.self)
        #expect(text == "\"driver_id\",\"event_timestamp\",\"name\",\"rate\"\r\n1000,\"2026-01-01T00:00:00.000000Z\",\"x\",0.5\r\n")
        let noHeader = String(decoding: try CSVWriter(options: CSVWriteOptions(includeHeader: false)).encode(batch), as: UTF8.self)
        #expect(noHeader == "1000,2026-01-01T00:00:00.000000Z,x,0.5\n")
    }

    @Test func writesAtomicallyAndReplacesTheOldFile() throws {
        let dir = temporaryDirectory()
        let path = dir + "/out.csv"
        writeFile(path, Array("old contents\n".utf8))
        let batch = try ColumnBatch(["a": Column(int64: [1, 2])])
        try CSVWriter().write(batch, to: path)
        #expect(String(decoding: readFile(path), as: UTF8.self) == "a\n1\n2\n")
        #expect(listDirectory(dir) == ["out.csv"])
        do {
            try CSVWriter().write(batch, to: dir + "/missing/dir/out.csv")
            Issue.record("writing into a missing directory succeeded")
        } catch {
            #expect(error.kind == .io)
            #expect(error.path.contains("missing/dir"))
        }
        #expect(listDirectory(dir) == ["out.csv"])
    }

    @Test func roundTripsEveryTypeAndNullPattern() throws {
        let n = 130
        let patterns: [(String, (Int) -> Bool)] = [
            ("none", { _ in true }), ("all", { _ in false }), ("alternating", { $0 % 2 == 0 }),
            ("leading", { $0 >= 65 }), ("trailing", { $0 < 64 }),
        ]
        for (name, present) in patterns {
            let validity = Bitmap((0..<n).map(present))
            let batch = try ColumnBatch(schema: Schema(ValueType.allCases.map { field($0.rawValue, $0) }), columns: [
                Column(bool: (0..<n).map { present($0) && $0 % 3 == 0 }, validity: validity),
                Column(int32: (0..<n).map { present($0) ? Int32($0) - 60 : 0 }, validity: validity),
                Column(int64: (0..<n).map { present($0) ? Int64($0) * 1_000_000_007 : 0 }, validity: validity),
                Column(float32: (0..<n).map { present($0) ? Float($0) / 7 : 0 }, validity: validity),
                Column(float64: (0..<n).map { present($0) ? Double($0) / 7 : 0 }, validity: validity),
                Column(strings: (0..<n).map { present($0) ? "s\($0),\"\n" : nil }),
                Column(bytes: (0..<n).map { present($0) ? [UInt8(truncatingIfNeeded: $0), 0] : nil }),
                Column(timestampMicros: (0..<n).map { present($0) ? Int64($0) * 3_600_000_001 : 0 }, validity: validity),
            ])
            let bytes = try CSVWriter().encode(batch)
            let back = try CSVReader(schema: batch.schema, options: CSVReadOptions(threads: 1)).read(bytes: bytes)
            #expect(back == batch, "null pattern \(name)")
        }
    }
}
