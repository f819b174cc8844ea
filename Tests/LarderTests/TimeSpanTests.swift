import Larder
import Testing

@Suite("TimeSpan")
struct TimeSpanTests {
    @Test("parses what description writes, and refuses text and spans that do not fit in microseconds")
    func parsing() {
        for span in [TimeSpan.days(2), .hours(36), .minutes(90), .seconds(15), TimeSpan(microseconds: 1500), .zero] {
            #expect(TimeSpan(parsing: span.description) == span)
        }
        #expect(TimeSpan(parsing: "106751991d") == .days(106_751_991))
        // 106,751,992 days and more overflow Int64 microseconds: nil rather than a trap.
        for text in ["106751992d", "99999999999999999d", "9223372036854775807s", "-9223372036854775807h", "5", "s", "1.5s", "ten s"] {
            #expect(TimeSpan(parsing: text) == nil, "\(text)")
        }
    }
}
