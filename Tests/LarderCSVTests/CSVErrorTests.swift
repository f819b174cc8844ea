import Larder
import LarderColumnar
import LarderCSV
import Testing

@Suite("CSVReader errors name the line, column and what was expected")
struct CSVErrorTests {
    let schema = Schema([field("id", .int64, nullable: false), field("rate", .float32), field("at", .timestamp)])

    @Test func badNumberNamesLineColumnAndText() throws {
        let e = try #require(csvError("id,rate,at\n1,0.5,2026-01-01\n2,abc,2026-01-01\n", schema: schema))
        #expect(e.kind == .badValue)
        #expect(e.path == "test.csv")
        #expect(e.line == 3)
        #expect(e.column == 2)
        #expect(e.columnName == "rate")
        #expect(e.found == "abc")
        #expect(e.expected.contains("float32"))
        #expect(e.description.hasPrefix("test.csv:3:2 (column \"rate\"): found \"abc\", expected a float32"))
    }

    @Test func lineNumbersCountLinesInsideQuotedFields() throws {
        let text = "id,rate,at,note\n1,0.5,2026-01-01,\"a\nb\nc\"\n2,0.5,yesterday,x\n"
        let e = try #require(csvError(text, schema: schema))
        #expect(e.line == 5)
        #expect(e.column == 3)
        #expect(e.columnName == "at")
        #expect(e.found == "yesterday")
        #expect(e.expected.contains("ISO-8601"))
    }

    @Test func headerLineBreaksCountToo() throws {
        let e = try #require(csvError("\"i\nd\",x\n1,2\nz,3\n", schema: Schema([field("i\nd", .int64)])))
        #expect(e.line == 4)
        #expect(e.column == 1)
    }

    @Test func unterminatedQuoteReportsWhereTheQuoteOpened() throws {
        let e = try #require(csvError("id,rate,at\n1,0.5,2026-01-01\n2,\"0.5,2026-01-01\n3,1,2\n", schema: schema))
        #expect(e.kind == .unterminatedQuote)
        #expect(e.line == 3)
        #expect(e.column == 2)
        #expect(e.columnName == "rate")
    }

    @Test func quoteInsideUnquotedFieldAndTextAfterClosingQuote() throws {
        let inside = try #require(csvError("id,rate,at\n1,0\"5,2026-01-01\n", schema: schema))
        #expect(inside.kind == .unexpectedQuote)
        #expect(inside.line == 2)
        #expect(inside.column == 2)
        let after = try #require(csvError("id,rate,at\n1,\"0.5\"x,2026-01-01\n", schema: schema))
        #expect(after.kind == .unexpectedQuote)
        #expect(after.line == 2)
        #expect(after.column == 2)
    }

    @Test func tooFewAndTooManyFields() throws {
        let few = try #require(csvError("id,rate,at\n1,0.5,2026-01-01\n2,0.5\n", schema: schema))
        #expect(few.kind == .fieldCount)
        #expect(few.line == 3)
        #expect(few.column == 3)
        #expect(few.columnName == "at")
        #expect(few.expected.contains("3 fields as in the header, found 2"))
        let many = try #require(csvError("id,rate,at\n1,0.5,2026-01-01,x,y\n", schema: schema))
        #expect(many.kind == .fieldCount)
        #expect(many.line == 2)
        #expect(many.column == 4)
        #expect(many.columnName == nil)
        #expect(many.expected.contains("found 5"))
    }

    @Test func nullInNonNullableColumn() throws {
        let e = try #require(csvError("id,rate,at\n1,0.5,2026-01-01\n,0.5,2026-01-01\n", schema: schema))
        #expect(e.kind == .nullInNonNullable)
        #expect(e.line == 3)
        #expect(e.column == 1)
        #expect(e.columnName == "id")
    }

    @Test func integerRangesAndSyntax() throws {
        let s32 = Schema([field("n", .int32)])
        #expect(csvError("n\n2147483648\n", schema: s32)?.line == 2)
        #expect(csvError("n\n2147483647\n", schema: s32) == nil)
        let s64 = Schema([field("n", .int64)])
        #expect(csvError("n\n9223372036854775808\n", schema: s64)?.kind == .badValue)
        #expect(csvError("n\n1.0\n", schema: s64)?.found == "1.0")
        #expect(csvError("n\n 1\n", schema: s64)?.found == " 1")
        #expect(csvError("n\n-\n", schema: s64)?.kind == .badValue)
        #expect(csvError("b\nyes\n", schema: Schema([field("b", .bool)]))?.expected.contains("true, false") == true)
        #expect(csvError("b\n0xabc\n", schema: Schema([field("b", .bytes)]))?.kind == .badValue)
    }

    @Test func invalidUTF8InStringColumn() throws {
        var bytes = Array("s\nok\n".utf8)
        bytes += [0xC3, 0x28, 0x0A]
        do {
            _ = try CSVReader(schema: Schema([field("s", .string)]), options: CSVReadOptions(threads: 1)).read(bytes: bytes, name: "u.csv")
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.kind == .invalidUTF8)
            #expect(error.line == 3)
        }
    }

    @Test func headerProblems() throws {
        #expect(csvError("")?.kind == .missingHeader)
        let missing = try #require(csvError("id,rate\n1,2\n", schema: schema))
        #expect(missing.kind == .missingColumn)
        #expect(missing.columnName == "at")
        #expect(missing.expected.contains("\"id\", \"rate\""))
        let duplicate = try #require(csvError("a,b,a\n1,2,3\n"))
        #expect(duplicate.kind == .duplicateColumn)
        #expect(duplicate.column == 3)
        #expect(csvError("a,,c\n1,2,3\n")?.column == 2)
    }

    @Test func missingFileIsAnIOError() throws {
        do {
            _ = try CSVReader().read(path: "/nonexistent/nowhere.csv")
            Issue.record("reading a missing file succeeded")
        } catch {
            #expect(error.kind == .io)
            #expect(error.path == "/nonexistent/nowhere.csv")
            #expect(error.description.contains("No such file"))
        }
    }

    @Test func errorsInLaterChunksHaveExactLinesWhateverTheSplit() throws {
        var text = "id,rate,at\n"
        for i in 0..<300 { text += "\(i),\"0.\(i)\",\"2026-01-01T00:00:00Z\"\n" }
        text += "300,\"x\ny\",2026-01-01\n"  // line 302-303: a multi-line bad float
        for i in 301..<400 { text += "\(i),0.5,2026-01-01\n" }
        for chunk in [1, 10, 100, 1000, 1 << 20] {
            let e = try #require(csvError(text, schema: schema, options: CSVReadOptions(threads: 3, minimumChunkBytes: chunk)))
            #expect(e.line == 302)
            #expect(e.column == 2)
            #expect(e.found == "x\ny")
        }
    }

    @Test func malformedInputNeverCrashes() throws {
        // Random bytes from a CSV alphabet: every outcome must be a batch or a CSVError.
        var rng = SplitMix64(seed: 3)
        let alphabet = Array("ab,\"\n\r1.-e:TZ ".utf8)
        let schema = Schema([field("a", .string), field("b", .float64)])
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<40, using: &rng)
            let body = (0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            let bytes = Array("a,b\n".utf8) + body
            var outcomes: [Result<ColumnBatch, CSVError>] = []
            for options in [CSVReadOptions(threads: 1), CSVReadOptions(threads: 3, minimumChunkBytes: 3)] {
                do {
                    let batch = try CSVReader(schema: schema, options: options).read(bytes: bytes)
                    #expect(batch.columns.allSatisfy { $0.count == batch.rowCount })
                    outcomes.append(.success(batch))
                } catch {
                    #expect(error.line != nil)
                    outcomes.append(.failure(error))
                }
            }
            // Parallel parsing must agree with the serial parse, errors included (NaN-free: no "nan" text).
            switch (outcomes[0], outcomes[1]) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect(a == b)
            default: Issue.record("serial and parallel parses disagree on \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }

    @Test func arbitraryBytesNeverCrashTheReaderOrInference() throws {
        var rng = SplitMix64(seed: 21)
        for _ in 0..<1000 {
            let n = Int.random(in: 0..<64, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for options in [CSVReadOptions(threads: 1), CSVReadOptions(threads: 2, minimumChunkBytes: 5)] {
                do {
                    let batch = try CSVReader(options: options).read(bytes: bytes)
                    #expect(batch.columns.allSatisfy { $0.count == batch.rowCount })
                } catch {
                    #expect(!error.description.isEmpty)
                }
            }
        }
    }
}
