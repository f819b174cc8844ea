internal import Larder

/// How the reader turns a timestamp field into UTC microseconds.
///
/// - ISO-8601 text (`2026-01-01T08:30:00.123456Z`, `2026-01-01 08:30:00+02:00`, `2026-01-01`), read by
///   `Timestamp.parseISO8601`; no zone means UTC.
/// - An epoch number, optionally signed and with a fraction. Its unit follows from the magnitude of the
///   integer part: below 10^11 seconds, below 10^14 milliseconds, below 10^17 microseconds, otherwise
///   nanoseconds. Each bound is the year 5138 in the smaller unit, so any instant after 1973-03-03 (in
///   ms, µs or ns) is read in the right unit. Digits finer than a microsecond are dropped (truncated toward
///   zero, as `Timestamp.parseISO8601` does).
///
/// ```swift
/// CSVTimestampParsing.micros("1767225600")            // 1_767_225_600_000_000 (seconds)
/// CSVTimestampParsing.micros("1767225600123")         // 1_767_225_600_123_000 (milliseconds)
/// CSVTimestampParsing.micros("2026-01-01T00:00:00Z")  // 1_767_225_600_000_000
/// ```
public enum CSVTimestampParsing {
    /// The text as microseconds since the epoch, or `nil` if it is neither ISO-8601 nor an epoch number.
    public static func micros(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { b in b.baseAddress.flatMap { micros($0, b.count) } }
    }

    @inline(__always)
    static func micros(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        if n >= 10, p[4] == UInt8(ascii: "-") {
            switch Timestamp.parseISO8601(UnsafeBufferPointer(start: p, count: n)) {
            case .success(let t): return t.microsecondsSinceEpoch
            case .failure: return nil
            }
        }
        return epochMicros(p, n)
    }

    /// Like ``micros(_:_:)``, with a fast path for the layout gen_data.py and ``CSVWriter`` write,
    /// `YYYY-MM-DDThh:mm:ss.ffffffZ`: the date (validated by `Timestamp.parseISO8601`) is remembered
    /// in `cache`, since a file holds few distinct dates, and only the time of day is parsed.
    @inline(__always)
    static func micros(_ p: UnsafePointer<UInt8>, _ n: Int, cache: inout CSVDateCache) -> Int64? {
        canonicalMicros(p, n, cache: &cache) ?? micros(p, n)
    }

    /// Whether the text is ISO-8601, with the fast path of ``micros(_:_:cache:)``.
    @inline(__always)
    static func isISO8601(_ p: UnsafePointer<UInt8>, _ n: Int, cache: inout CSVDateCache) -> Bool {
        canonicalMicros(p, n, cache: &cache) != nil || isISO8601(p, n)
    }

    /// The fast path alone: `nil` for anything but a valid `YYYY-MM-DDThh:mm:ss.ffffffZ`.
    @inline(__always)
    private static func canonicalMicros(_ p: UnsafePointer<UInt8>, _ n: Int, cache: inout CSVDateCache) -> Int64? {
        // Checking the dashes also keeps an all-zero (empty) cache slot from ever matching.
        guard n == 27, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), p[10] == UInt8(ascii: "T"),
              p[13] == UInt8(ascii: ":"), p[16] == UInt8(ascii: ":"), p[19] == UInt8(ascii: "."),
              p[26] == UInt8(ascii: "Z") else { return nil }
        let raw = UnsafeRawPointer(p)
        let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        let slot = CSVDateCache.slot(head, tail)
        let dayMicros: Int64
        if cache.heads[slot] == head && cache.tails[slot] == tail {
            dayMicros = cache.days[slot]
        } else {
            guard case .success(let day) = Timestamp.parseISO8601(UnsafeBufferPointer(start: p, count: 10)) else {
                return nil
            }
            dayMicros = day.microsecondsSinceEpoch
            cache.heads[slot] = head
            cache.tails[slot] = tail
            cache.days[slot] = dayMicros
        }
        @inline(__always) func two(_ k: Int) -> Int64? {
            let a = p[k] &- 48, b = p[k + 1] &- 48
            guard a < 10, b < 10 else { return nil }
            return Int64(a) * 10 + Int64(b)
        }
        guard let hh = two(11), let mm = two(14), let ss = two(17), hh < 24, mm < 60, ss < 61,
              let f1 = two(20), let f2 = two(22), let f3 = two(24) else { return nil }
        let fraction = (f1 * 100 + f2) * 100 + f3
        return dayMicros + ((hh * 60 + mm) * 60 + ss) * 1_000_000 + fraction
    }

    /// Whether the text is ISO-8601 (inference only calls a column a timestamp for ISO text; plain
    /// numbers stay numbers).
    static func isISO8601(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n >= 10, p[4] == UInt8(ascii: "-") else { return false }
        if case .success = Timestamp.parseISO8601(UnsafeBufferPointer(start: p, count: n)) { return true }
        return false
    }

    private static func epochMicros(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        var i = 0
        var negative = false
        if n > 0, p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        let signLength = i
        var whole: Int64 = 0
        while i < n, CSVFieldParsing.isDigit(p[i]) {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(p[i] &- 48))
            guard !o1, !o2 else { return nil }
            whole = a
            i += 1
        }
        guard i > signLength else { return nil }
        // Up to 9 fraction digits matter (nanoseconds of a second); later ones are dropped.
        var fraction: Int64 = 0
        var fractionDigits = 0
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < n, CSVFieldParsing.isDigit(p[i]) {
                if fractionDigits < 9 {
                    fraction = fraction * 10 + Int64(p[i] &- 48)
                    fractionDigits += 1
                }
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i == n else { return nil }
        var fractionNanos = fraction
        for _ in fractionDigits..<9 { fractionNanos *= 10 }
        // `fractionNanos` is the fraction in billionths of the unit; scale it to microseconds.
        let micros: Int64
        if whole < 100_000_000_000 {
            micros = whole * 1_000_000 + fractionNanos / 1_000
        } else if whole < 100_000_000_000_000 {
            micros = whole * 1_000 + fractionNanos / 1_000_000
        } else if whole < 100_000_000_000_000_000 {
            micros = whole
        } else {
            micros = whole / 1_000
        }
        return negative ? -micros : micros
    }
}

/// Recently seen dates of a timestamp column's fast path, direct-mapped by their text (rows are often
/// shuffled, so one remembered date would rarely match): the 10 bytes `YYYY-MM-DD` and their midnight.
struct CSVDateCache {
    static let size = 64
    /// Text bytes 0-7 and 8-9 of each slot's date (all zero while the slot is empty).
    var heads = [UInt64](repeating: 0, count: CSVDateCache.size)
    var tails = [UInt16](repeating: 0, count: CSVDateCache.size)
    var days = [Int64](repeating: 0, count: CSVDateCache.size)

    @inline(__always)
    static func slot(_ head: UInt64, _ tail: UInt16) -> Int {
        // Month (bytes 5-6) and day (bytes 8-9) vary most; fold them into 6 bits.
        let mixed = (head >> 40) &* 31 &+ UInt64(tail) &* 0x9E37_79B9
        return Int(truncatingIfNeeded: (mixed >> 7) & UInt64(size - 1))
    }
}
