import Larder
import Testing

@Suite("Timestamp")
struct TimestampTests {
    @Test("parses ISO-8601 with Z, offsets, fractions and plain dates")
    func parsesISO8601() throws {
        #expect(try Timestamp(parsing: "1970-01-01T00:00:00Z").microsecondsSinceEpoch == 0)
        #expect(try Timestamp(parsing: "2026-01-01T00:00:00Z").microsecondsSinceEpoch == 1_767_225_600_000_000)
        #expect(try Timestamp(parsing: "2026-01-01T02:00:00+02:00").microsecondsSinceEpoch == 1_767_225_600_000_000)
        #expect(try Timestamp(parsing: "2025-12-31T19:00:00-0500").microsecondsSinceEpoch == 1_767_225_600_000_000)
        #expect(try Timestamp(parsing: "2026-01-01 00:00:00.000001").microsecondsSinceEpoch == 1_767_225_600_000_001)
        #expect(try Timestamp(parsing: "2026-01-01T00:00:00.1234567Z").microsecondsSinceEpoch == 1_767_225_600_123_456)
        #expect(try Timestamp(parsing: "2026-01-01").microsecondsSinceEpoch == 1_767_225_600_000_000)
        #expect(try Timestamp(parsing: "1969-12-31T23:59:59.5Z").microsecondsSinceEpoch == -500_000)
    }

    @Test("rejects malformed text with the reason", arguments: [
        ("2026-13-01T00:00:00Z", "out of range"), ("2026-01-01T00:00:00Q", "Z or an offset"),
        ("yesterday", "YYYY-MM-DD"), ("2026-01-01T10", "hh:mm"), ("2026-01-01T00:00:00Z junk", "unexpected characters"),
    ])
    func rejectsMalformed(text: String, reason: String) {
        #expect {
            try Timestamp(parsing: text)
        } throws: { error in
            "\(error)".contains(reason) && "\(error)".contains(text)
        }
    }

    @Test("formats and re-parses every instant (property, 20k seeded instants incl. before 1970)")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let us = Int64(bitPattern: rng.next()) % 8_000_000_000_000_000
            let t = Timestamp(microsecondsSinceEpoch: us)
            #expect(try Timestamp(parsing: t.description) == t)
            // Fewer digits truncate toward the past, also before 1970.
            let ms = us - ((us % 1000) + 1000) % 1000, s = us - ((us % 1_000_000) + 1_000_000) % 1_000_000
            #expect(try Timestamp(parsing: t.iso8601(fractionalDigits: 3)).microsecondsSinceEpoch == ms)
            #expect(try Timestamp(parsing: t.iso8601(fractionalDigits: 0)).microsecondsSinceEpoch == s)
        }
        #expect(Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_001).description == "2026-01-01T00:00:00.000001Z")
        #expect(Timestamp(microsecondsSinceEpoch: 1_767_229_199_000_000).iso8601(fractionalDigits: 0) == "2026-01-01T00:59:59Z")
    }

    @Test("truncates to hour and day, also before 1970")
    func truncation() {
        let t = Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000 + 3_723_000_000)
        #expect(t.startOfHour.description == "2026-01-01T01:00:00.000000Z")
        #expect(t.startOfDay.microsecondsSinceEpoch == 1_767_225_600_000_000)
        #expect(Timestamp(microsecondsSinceEpoch: -1).startOfDay.microsecondsSinceEpoch == -86_400_000_000)
    }

    @Test("time intervals print and parse their shortest form")
    func intervals() {
        #expect(TimeSpan.days(2).description == "2d")
        #expect(TimeSpan.hours(36).description == "36h")
        #expect(TimeSpan.minutes(90).description == "90m")
        #expect(TimeSpan(microseconds: 1500).description == "1500us")
        for text in ["2d", "36h", "90m", "15s", "1500us"] {
            #expect(TimeSpan(parsing: text)?.description == text)
        }
        #expect(TimeSpan(parsing: "soon") == nil)
    }
}
