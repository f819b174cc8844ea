import Larder
import LarderColumnar
import LarderCSV
import Testing

@Suite("Number and timestamp fields")
struct CSVFieldParsingTests {
    @Test func timestampForms() throws {
        let cases: [(String, Int64)] = [
            ("2026-01-01T00:00:00Z", 1_767_225_600_000_000),
            ("2026-01-01T00:00:00.000001Z", 1_767_225_600_000_001),
            ("2026-01-01T02:00:00+02:00", 1_767_225_600_000_000),
            ("2025-12-31T19:00:00-0500", 1_767_225_600_000_000),
            ("2026-01-01 00:00", 1_767_225_600_000_000),
            ("2026-01-01", 1_767_225_600_000_000),
            ("1767225600", 1_767_225_600_000_000),
            ("1767225600.25", 1_767_225_600_250_000),
            ("1767225600250", 1_767_225_600_250_000),
            ("1767225600250001", 1_767_225_600_250_001),
            ("1767225600250001999", 1_767_225_600_250_001),
            ("-86400", -86_400_000_000),
            ("0", 0),
            ("99999999999", 99_999_999_999_000_000),
            ("100000000000", 100_000_000_000_000),
        ]
        for (text, micros) in cases {
            #expect(CSVTimestampParsing.micros(text) == micros, "\(text)")
        }
        for bad in ["", "2026-13-01", "2026-01-01T25:00:00Z", "2026-01-01X", "12a", "1.", "--1", "1e5", "2026-01-01T00:00:00.Z"] {
            #expect(CSVTimestampParsing.micros(bad) == nil, "\(bad)")
        }
    }

    @Test func canonicalTimestampsAgreeWithTimestampParsing() throws {
        // The reader's fast path for YYYY-MM-DDThh:mm:ss.ffffffZ against Timestamp(parsing:), on random instants.
        var rng = SplitMix64(seed: 5)
        var text = "t\n"
        var expected: [Int64] = []
        for _ in 0..<2000 {
            let micros = Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999, using: &rng)
            let iso = Timestamp(microsecondsSinceEpoch: micros).description
            text += iso + "\n"
            expected.append(try Timestamp(parsing: iso).microsecondsSinceEpoch)
        }
        let batch = try readCSV(text, schema: Schema([field("t", .timestamp)]))
        #expect(batch.columns[0].timestampMicros == expected)
    }

    @Test func float32ParsingIsCorrectlyRounded() throws {
        // Shortest texts of random floats must read back bit for bit; longer decimals must round like
        // the standard library's correctly rounded parser (no double rounding through Double).
        var rng = SplitMix64(seed: 9)
        var text = "x\n"
        var expected: [UInt32] = []
        for k in 0..<20_000 {
            let value: Float
            let rendered: String
            switch k % 3 {
            case 0:
                value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
                guard value.isFinite else { continue }
                rendered = value.description
            case 1:
                let digits = (0..<Int.random(in: 1...17, using: &rng)).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
                rendered = "0.\(digits)e\(Int.random(in: -40...38, using: &rng))"
                value = Float(rendered)!
            default:
                let d = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng) & 0x3FFF_FFFF_FFFF_FFFF)
                rendered = d.description
                value = Float(rendered)!
            }
            text += rendered + "\n"
            expected.append(value.bitPattern)
        }
        let batch = try readCSV(text, schema: Schema([field("x", .float32)]))
        #expect(batch.columns[0].float32Values.map(\.bitPattern) == expected)
    }

    @Test func float32MidpointsRoundToEven() throws {
        // 1 + 2^-24 is exactly halfway between two floats: it must round to even (1.0), and a hair above
        // it must round up; a parser rounding through Double gets one of them wrong.
        let text = "x\n1.000000059604644775390625\n1.000000059604644775390626\n"
        let batch = try readCSV(text, schema: Schema([field("x", .float32)]))
        #expect(batch.columns[0].float32Values == [1.0, Float(1.0).nextUp])
        let big = try readCSV("x\n16777217\n16777219\n16777217.5\n", schema: Schema([field("x", .float32)]))
        #expect(big.columns[0].float32Values == [16_777_216, 16_777_220, 16_777_218])
    }

    @Test func float64ParsingMatchesTheStandardLibrary() throws {
        var rng = SplitMix64(seed: 13)
        var text = "x\n"
        var expected: [UInt64] = []
        for k in 0..<20_000 {
            let rendered: String
            if k % 2 == 0 {
                let d = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
                guard d.isFinite else { continue }
                rendered = d.description
            } else {
                let digits = (0..<Int.random(in: 1...25, using: &rng)).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
                rendered = "-\(digits).\(digits)E\(Int.random(in: -330...300, using: &rng))"
            }
            text += rendered + "\n"
            expected.append(Double(rendered)!.bitPattern)
        }
        let batch = try readCSV(text, schema: Schema([field("x", .float64)]))
        #expect(batch.columns[0].float64Values.map(\.bitPattern) == expected)
    }

    @Test func numberSyntax() throws {
        let batch = try readCSV("x\n+1\n-0\n.5\n5.\n1E3\n1e+3\n-Infinity\nNaN\n007\n", schema: Schema([field("x", .float64)]))
        let v = batch.columns[0].float64Values
        #expect(Array(v[0..<6]) == [1, -0.0, 0.5, 5, 1000, 1000])
        #expect(v[1].sign == .minus)
        #expect(v[6] == -.infinity)
        #expect(v[7].isNaN)
        #expect(v[8] == 7)
        for bad in ["1e", "e5", ".", "1.2.3", "0x10", "1_000", "infinite", "1,5"] {
            #expect(csvError("x\n\"\(bad)\"\n", schema: Schema([field("x", .float64)]))?.found == bad, "\(bad)")
        }
    }
}
