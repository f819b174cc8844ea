/// Why a timestamp text could not be read.
public struct TimestampParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String {
        "cannot read \"\(text)\" as a timestamp: \(reason); write ISO-8601 such as 2026-01-01T08:30:00Z or 2026-01-01T08:30:00.5+02:00"
    }
}

extension Timestamp {
    /// An epoch number of unknown unit, told apart by magnitude: below 1e11 seconds, below 1e14
    /// milliseconds, below 1e17 microseconds, else nanoseconds (each covers 1973 to beyond 5000).
    public init(epochNumber v: Int64) {
        let a = v.magnitude
        if a < 100_000_000_000 { self.init(microsecondsSinceEpoch: v &* 1_000_000) }
        else if a < 100_000_000_000_000 { self.init(microsecondsSinceEpoch: v &* 1_000) }
        else if a < 100_000_000_000_000_000 { self.init(microsecondsSinceEpoch: v) }
        else { self.init(microsecondsSinceEpoch: v / 1_000) }
    }

    /// Reads ISO-8601: `YYYY-MM-DD`, optionally followed by `T` or a space, `hh:mm[:ss[.ffffff]]`, then
    /// `Z`, `+hh:mm`, `-hh:mm`, `+hhmm` or nothing (UTC). Fractions beyond microseconds are truncated.
    public init(parsing text: String) throws(TimestampParseError) {
        var copy = text
        let parsed = copy.withUTF8 { Timestamp.parseISO8601($0) }
        switch parsed {
        case .success(let t): self = t
        case .failure(let reason): throw TimestampParseError(text: text, reason: reason.rawValue)
        }
    }

    /// What was wrong with an ISO-8601 text.
    public enum ISO8601Failure: String, Error, Sendable {
        case date = "expected a date YYYY-MM-DD"
        case time = "expected a time hh:mm[:ss[.ffffff]] after the date"
        case zone = "expected Z or an offset like +02:00 after the time"
        case range = "a date or time field is out of range"
        case trailing = "unexpected characters after the timestamp"
    }

    /// The byte-level ISO-8601 reader behind ``init(parsing:)``, for hot loops (CSV) that hold bytes.
    public static func parseISO8601(_ b: UnsafeBufferPointer<UInt8>) -> Result<Timestamp, ISO8601Failure> {
        var i = 0
        let n = b.count
        @inline(__always) func digits(_ count: Int) -> Int64? {
            guard i + count <= n else { return nil }
            var v: Int64 = 0
            for k in 0..<count {
                let c = b[i + k] &- 48
                guard c < 10 else { return nil }
                v = v * 10 + Int64(c)
            }
            i += count
            return v
        }
        @inline(__always) func expect(_ c: UInt8) -> Bool {
            guard i < n, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2),
              expect(UInt8(ascii: "-")), let day = digits(2) else { return .failure(.date) }
        guard (1...12).contains(month), (1...31).contains(day) else { return .failure(.range) }
        var micros: Int64 = 0
        if i < n, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "t") {
            i += 1
            guard let hh = digits(2), expect(UInt8(ascii: ":")), let mm = digits(2) else { return .failure(.time) }
            var ss: Int64 = 0
            if expect(UInt8(ascii: ":")) {
                guard let s = digits(2) else { return .failure(.time) }
                ss = s
            }
            guard hh < 24, mm < 60, ss < 61 else { return .failure(.range) }
            micros = ((hh * 60 + mm) * 60 + ss) * 1_000_000
            if expect(UInt8(ascii: ".")) || expect(UInt8(ascii: ",")) {
                var scale: Int64 = 100_000
                var any = false
                while i < n, b[i] &- 48 < 10 {
                    micros += Int64(b[i] &- 48) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return .failure(.time) }
            }
            if i < n {
                let c = b[i]
                if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                    i += 1
                } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                    i += 1
                    guard let oh = digits(2) else { return .failure(.zone) }
                    _ = expect(UInt8(ascii: ":"))
                    let om = digits(2) ?? 0
                    guard oh < 24, om < 60 else { return .failure(.range) }
                    let offset = (oh * 60 + om) * 60_000_000
                    micros += c == UInt8(ascii: "+") ? -offset : offset
                } else {
                    return .failure(.zone)
                }
            }
        }
        guard i == n else { return .failure(.trailing) }
        let days = daysFromCivil(year, month, day)
        return .success(Timestamp(microsecondsSinceEpoch: days * Timestamp.microsecondsPerDay + micros))
    }
}
