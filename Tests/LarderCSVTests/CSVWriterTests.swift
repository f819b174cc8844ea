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
            ,0,inf,false,0x,0
            1969-12-31T23:59:59.999999Z,0.00001,-2,,,7

            """)
    }

    @Test func floatsAreLaidOutLikePyarrow() throws {
        // Expected texts are what pyarrow 26's csv.write_csv printed for the same float32/float64 values.
        let f: [Float] = [0, 1, -2, 1e-5, 1.5e-7, 123_456_792, 1e21, 1e22, 3.4e38, .nan, .infinity, -0.0, 0.1, 100, 1e16, 1e15,
                          1.5e-6, 1e-6, 1.25e-6, 10_000_000_000, 1e10, 0.000001234]
        let d: [Double] = [0, 1, -2, 1e-5, 1.5e-7, 123_456_789, 1e21, 1e22, 1.7e308, .nan, -.infinity, -0.0, 0.1, 100, 1e16, 1e15,
                           123_456_789_012, 1_234_567_890, 12_345_678_901, 9_999_999_999, 1e10, 123_456_789_012_345_680]
        let batch = try ColumnBatch(["f": Column(float32: f), "d": Column(float64: d)])
        let text = String(decoding: try CSVWriter().encode(batch), as: UTF8.self)
        #expect(text == "f,d\n0,0\n1,1\n-2,-2\n0.00001,0.00001\n1.5e-7,1.5e-7\n123456790,123456789\n1e+21,1e+21\n"
            + "1e+22,1e+22\n3.4e+38,1.7e+308\nnan,nan\ninf,-inf\n-0,-0\n0.1,0.1\n100,100\n1e+16,1e+16\n1e+15,1e+15\n"
            + "0.0000015,1.23456789012e+11\n0.000001,1234567890\n0.00000125,1.2345678901e+10\n1e+10,9999999999\n"
            + "1e+10,1e+10\n0.000001234,1.2345678901234568e+17\n")
        let back = try CSVReader(schema: batch.schema, options: CSVReadOptions(threads: 1)).read(bytes: Array(text.utf8))
        #expect(back.columns[0].float32Values.map(\.bitPattern).enumerated().allSatisfy { f[$0.offset].isNaN || $0.element == f[$0.offset].bitPattern })
        #expect(back.columns[1].float64Values.map(\.bitPattern).enumerated().allSatisfy { d[$0.offset].isNaN || $0.element == d[$0.offset].bitPattern })
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

    @Test func rejectsDelimitersThatValuesContain() throws {
        let batch = try ColumnBatch(["a": Column(float64: [1.5])])
        for bad in Array(".-+:\"\nx7".utf8) {
            do {
                _ = try CSVWriter(options: CSVWriteOptions(delimiter: bad)).encode(batch)
                Issue.record("delimiter \(bad) was accepted")
            } catch {
                #expect(error.kind == .unsupported)
            }
        }
        #expect(try CSVWriter(options: CSVWriteOptions(delimiter: UInt8(ascii: "|"))).encode(batch) == Array("a\n1.5\n".utf8))
    }

    @Test func writesAtomicallyAndReplacesTheOldFile() throws {
        let dir = temporaryDirectory()
        defer { removeDirectory(dir) }
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

@Suite("CSV from async code")
struct CSVAsyncTests {
    @Test func asyncReadAndWriteRunOffThePool() async throws {
        let dir = temporaryDirectory()
        defer { removeDirectory(dir) }
        let batch = try ColumnBatch(["id": Column(int64: [3, 1, 2]), "t": Column(timestampMicros: [0, 1, 2])])
        try await CSVWriter().writeInBackground(batch, to: dir + "/a.csv")
        let back = try await CSVReader(schema: batch.schema).readInBackground(path: dir + "/a.csv")
        #expect(back == batch)
        do {
            _ = try await CSVReader().readInBackground(path: dir + "/missing.csv")
            Issue.record("reading a missing file succeeded")
        } catch {
            #expect(error.kind == .io)
        }
    }
}
