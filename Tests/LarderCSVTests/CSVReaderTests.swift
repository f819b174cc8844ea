import Larder
import LarderColumnar
import LarderCSV
import Testing

@Suite("CSVReader: schemas, inference, layout")
struct CSVReaderTests {
    @Test func readsColumnsByHeaderNameInSchemaOrderAndSkipsOthers() throws {
        let text = "b,skip,a\n1,x,2026-01-01T00:00:00Z\n2,y,1767225600\n"
        let schema = Schema([field("a", .timestamp), field("b", .int32)])
        let batch = try readCSV(text, schema: schema)
        #expect(batch.schema == schema)
        #expect(batch.rowCount == 2)
        #expect(batch.columns[0].timestampMicros == [1_767_225_600_000_000, 1_767_225_600_000_000])
        #expect(batch.columns[1].int32Values == [1, 2])
    }

    @Test func readsEveryType() throws {
        let text = """
            b,i32,i64,f32,f64,s,by,t
            true,-7,9223372036854775807,0.1,1e-300,héllo,0x00ff,2026-01-01T08:30:00.5+02:00
            FALSE,2147483647,-9223372036854775808,-inf,nan,"",0X,1767225600123
            1,,,,,,,

            """
        let schema = Schema([
            field("b", .bool), field("i32", .int32), field("i64", .int64), field("f32", .float32),
            field("f64", .float64), field("s", .string), field("by", .bytes), field("t", .timestamp),
        ])
        let batch = try readCSV(text, schema: schema)
        #expect(batch.rowCount == 3)
        #expect(batch.value(row: 0, column: 0) == .bool(true))
        #expect(batch.value(row: 1, column: 0) == .bool(false))
        #expect(batch.value(row: 2, column: 0) == .bool(true))
        #expect(batch.columns[1].int32Values == [-7, 2_147_483_647, 0])
        #expect(batch.value(row: 2, column: 1) == .null)
        #expect(batch.value(row: 0, column: 2) == .int64(.max))
        #expect(batch.value(row: 1, column: 2) == .int64(.min))
        #expect(batch.value(row: 0, column: 3) == .float32(0.1))
        #expect(batch.value(row: 1, column: 3) == .float32(-.infinity))
        #expect(batch.value(row: 0, column: 4) == .float64(1e-300))
        #expect(batch.columns[4].float64Values[1].isNaN)
        #expect(batch.value(row: 0, column: 5) == .string("héllo"))
        #expect(batch.value(row: 1, column: 5) == .string(""))
        #expect(batch.value(row: 2, column: 5) == .null)
        #expect(batch.value(row: 0, column: 6) == .bytes([0, 255]))
        #expect(batch.value(row: 1, column: 6) == .bytes([]))
        #expect(batch.value(row: 0, column: 7) == .timestamp(try Timestamp(parsing: "2026-01-01T06:30:00.5Z")))
        #expect(batch.value(row: 1, column: 7) == .timestamp(Timestamp(microsecondsSinceEpoch: 1_767_225_600_123_000)))
        for c in 1..<8 { #expect(batch.value(row: 2, column: c) == .null) }
    }

    @Test func infersTypesAndNullability() throws {
        let text = "flag,n,x,t,s,empty\ntrue,1,1,2026-01-01T00:00:00Z,a,\nfalse,2,2.5,2026-01-02 10:00,1,\nTrue,,3,2026-01-03,b,\n"
        let batch = try readCSV(text)
        #expect(batch.schema == Schema([
            field("flag", .bool, nullable: false), field("n", .int64, nullable: true),
            field("x", .float64, nullable: false), field("t", .timestamp, nullable: false),
            field("s", .string, nullable: false), field("empty", .string, nullable: true),
        ]))
        #expect(batch.columns[2].float64Values == [1, 2.5, 3])
        #expect(batch.value(row: 1, column: 4) == .string("1"))
        #expect(batch.value(row: 0, column: 5) == .null)
    }

    @Test func infersGenDataLayout() throws {
        // gen_data.py's files: quoted header and timestamps, shortest floats, plain integers.
        let text = "\"driver_id\",\"event_timestamp\",\"conv_rate\",\"avg_daily_trips\"\n"
            + "1000,\"2026-01-07T18:52:34.387708Z\",0.6780813,599\n"
            + "1025,\"2026-01-07T13:03:36.884500Z\",1,932\n"
        let batch = try readCSV(text)
        #expect(batch.schema == Schema([
            field("driver_id", .int64, nullable: false), field("event_timestamp", .timestamp, nullable: false),
            field("conv_rate", .float64, nullable: false), field("avg_daily_trips", .int64, nullable: false),
        ]))
        #expect(batch.value(row: 1, column: 1) == .timestamp(try Timestamp(parsing: "2026-01-07T13:03:36.8845Z")))
        // A canonical-looking but impossible timestamp makes the column text.
        let bad = try readCSV("t\n2026-01-07T18:52:34.387708Z\n2026-13-07T18:52:34.387708Z\n")
        #expect(bad.schema == Schema([field("t", .string, nullable: false)]))
    }

    @Test func inferenceWidensAcrossChunks() throws {
        // Chunks of a few bytes: the int64 → float64 → string widening must merge across them.
        var text = "v,w\n"
        for i in 0..<200 { text += "\(i),\(i)\n" }
        text += "0.5,x\n"
        let options = CSVReadOptions(threads: 4, minimumChunkBytes: 16)
        let batch = try readCSV(text, options: options)
        #expect(batch.schema == Schema([field("v", .float64, nullable: false), field("w", .string, nullable: false)]))
        #expect(batch.rowCount == 201)
        #expect(batch.columns[0].float64Values.last == 0.5)
    }

    @Test func headerOfAFileReadsOnlyTheNames() throws {
        let dir = temporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/h.csv"
        writeFile(path, Array("\u{FEFF}\"driver_id\",\"a,b\",c\n1,2,3\n".utf8))
        #expect(try CSVReader.header(of: path) == ["driver_id", "a,b", "c"])
        let schema = try CSVReader.inferSchema(path: path)
        #expect(schema.names == ["driver_id", "a,b", "c"])
        #expect(schema.fields.allSatisfy { $0.type == .int64 })
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws {
        let text = "id,text\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,\"crlf\r\ninside\"\n5,plain\n"
        let batch = try readCSV(text, schema: Schema([field("id", .int64), field("text", .string)]))
        #expect(batch.columns[0].int64Values == [1, 2, 3, 4, 5])
        #expect((0..<5).map { batch.columns[1].string(at: $0) } == ["a,b", "say \"hi\"", "two\nlines", "crlf\r\ninside", "plain"])
    }

    @Test func crlfLoneCRAndBOMAndBlankLines() throws {
        let schema = Schema([field("a", .int64), field("b", .string)])
        let crlf = try readCSV("\u{FEFF}a,b\r\n1,x\r\n\r\n2,y\r\n", schema: schema)
        #expect(crlf.columns[0].int64Values == [1, 2])
        #expect(crlf.columns[1].string(at: 1) == "y")
        let cr = try readCSV("a,b\r1,x\r2,y", schema: schema)
        #expect(cr.columns[0].int64Values == [1, 2])
        let noFinalNewline = try readCSV("a,b\n1,x\n2,y", schema: schema)
        #expect(noFinalNewline.columns[1].string(at: 1) == "y")
    }

    @Test func singleColumnBlankLinesAreNulls() throws {
        let batch = try readCSV("a\n1\n\n3\n", schema: Schema([field("a", .int64)]))
        #expect(batch.rowCount == 3)
        #expect(batch.value(row: 1, column: 0) == .null)
    }

    @Test func headerOnlyGivesNoRows() throws {
        let batch = try readCSV("a,b\n", schema: Schema([field("a", .int64), field("b", .timestamp)]))
        #expect(batch.rowCount == 0)
        #expect(batch.schema.names == ["a", "b"])
    }

    @Test func otherDelimiters() throws {
        let options = CSVReadOptions(delimiter: UInt8(ascii: "\t"), threads: 1)
        let batch = try readCSV("a\tb\n1\tx y\n", schema: Schema([field("a", .int64), field("b", .string)]), options: options)
        #expect(batch.columns[1].string(at: 0) == "x y")
        let semicolon = CSVReadOptions(delimiter: UInt8(ascii: ";"), threads: 1)
        let b2 = try readCSV("a;b\n2;\"p;q\"\n", schema: Schema([field("a", .int64), field("b", .string)]), options: semicolon)
        #expect(b2.columns[1].string(at: 0) == "p;q")
        #expect(csvError("a\"b\n", options: CSVReadOptions(delimiter: UInt8(ascii: "\""), threads: 1))?.kind == .unsupported)
    }

    @Test func parallelChunksMatchSerialParseEvenWhenCutsFallInsideQuotes() throws {
        // Many quoted fields full of line breaks: most chunk cuts land inside a quoted field, so the
        // speculative chunks must be detected and re-parsed.
        var rng = SplitMix64(seed: 11)
        var text = "id,note,x\n"
        for i in 0..<500 {
            let lines = Int.random(in: 0...6, using: &rng)
            let note = (0..<lines).map { "l\($0),\"q\"" }.joined(separator: "\n")
            text += "\(i),\"\(note.replacingQuotes())\",\(Double(i) / 4)\n"
        }
        let schema = Schema([field("id", .int64), field("note", .string), field("x", .float64)])
        let serial = try readCSV(text, schema: schema)
        for chunk in [7, 50, 333, 4096] {
            let parallel = try readCSV(text, schema: schema, options: CSVReadOptions(threads: 4, minimumChunkBytes: chunk))
            #expect(parallel == serial)
        }
        #expect(serial.rowCount == 500)
    }
}

extension String {
    func replacingQuotes() -> String {
        var out = ""
        for c in self { out += c == "\"" ? "\"\"" : String(c) }
        return out
    }
}
