/// A UTC instant with microsecond precision — the type of every event and created time.
///
/// ```swift
/// let t = try Timestamp(parsing: "2026-01-01T08:30:00Z")
/// t.description                       // "2026-01-01T08:30:00.000000Z"
/// t.adding(.hours(-1)) < t            // true
/// ```
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    public static let microsecondsPerSecond: Int64 = 1_000_000
    public static let microsecondsPerDay: Int64 = 86_400_000_000

    /// The current time, truncated to microseconds.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microsecondsSinceEpoch: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// This instant moved by `interval` (negative intervals move back).
    public func adding(_ interval: TimeSpan) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microsecondsSinceEpoch &+ interval.microseconds)
    }

    /// The instant truncated to the start of its UTC hour.
    public var startOfHour: Timestamp {
        let h: Int64 = 3_600_000_000
        return Timestamp(microsecondsSinceEpoch: floorDiv(microsecondsSinceEpoch, h) * h)
    }

    /// The instant truncated to the start of its UTC day.
    public var startOfDay: Timestamp {
        let d = Timestamp.microsecondsPerDay
        return Timestamp(microsecondsSinceEpoch: floorDiv(microsecondsSinceEpoch, d) * d)
    }

    /// The UTC calendar date: year, month (1–12), day (1–31), and the weekday (0 = Sunday).
    public var utcDate: (year: Int, month: Int, day: Int, weekday: Int) {
        let days = floorDiv(microsecondsSinceEpoch, Timestamp.microsecondsPerDay)
        let (y, m, d) = civilFromDays(days)
        // 1970-01-01 was a Thursday.
        let weekday = Int(((days % 7) + 11) % 7)
        return (Int(y), Int(m), Int(d), weekday)
    }

    /// ISO-8601 in UTC with six fractional digits, e.g. `2026-01-01T08:30:00.000000Z`.
    public var description: String { iso8601(fractionalDigits: 6) }

    /// ISO-8601 in UTC with 0, 3 or 6 fractional digits.
    public func iso8601(fractionalDigits: Int = 6) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        appendISO8601(to: &bytes, fractionalDigits: fractionalDigits)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``iso8601(fractionalDigits:)``'s text to `bytes` without building a `String` (the
    /// lookup response writes one per value).
    public func appendISO8601(to bytes: inout [UInt8], fractionalDigits: Int = 6) {
        let us = microsecondsSinceEpoch
        let days = floorDiv(us, Timestamp.microsecondsPerDay)
        let inDay = us - days * Timestamp.microsecondsPerDay
        let (y, m, d) = civilFromDays(days)
        let secs = inDay / 1_000_000, frac = inDay % 1_000_000
        // Written into a stack buffer and appended once: appending byte by byte checks the array's
        // uniqueness and capacity each time, and the lookup response writes a timestamp per value.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { text in
            var end = 0
            func digits(_ value: Int64, _ width: Int) {
                var rest = value
                for i in stride(from: end + width - 1, through: end, by: -1) {
                    text[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                end += width
            }
            func mark(_ c: Unicode.Scalar) {
                text[end] = UInt8(ascii: c)
                end += 1
            }
            if (0...9999).contains(y) {
                digits(y, 4)
            } else {
                for c in String(y).utf8 { text[end] = c; end += 1 }
            }
            mark("-"); digits(m, 2); mark("-"); digits(d, 2)
            mark("T"); digits(secs / 3600, 2); mark(":"); digits(secs / 60 % 60, 2); mark(":"); digits(secs % 60, 2)
            switch fractionalDigits {
            case 0: break
            case 3: mark("."); digits(frac / 1000, 3)
            default: mark("."); digits(frac, 6)
            }
            mark("Z")
            bytes.append(contentsOf: UnsafeMutableBufferPointer(rebasing: text[..<end]))
        }
    }
}

/// Floor division for negative instants (before 1970).
@inlinable
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
@inlinable
func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01 — public and inlinable
/// because the CSV writer formats every timestamp with it.
@inlinable
public func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
