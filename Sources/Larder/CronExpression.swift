/// A five-field cron expression in UTC — minute, hour, day of month, month, day of week (0 or 7 =
/// Sunday) — with `*`, lists `a,b`, ranges `a-b` and steps `*/n`, `a-b/n`.
///
/// ```swift
/// let hourly = try CronExpression("0 * * * *")
/// hourly.next(after: try Timestamp(parsing: "2026-01-01T08:30:00Z"))   // 2026-01-01T09:00:00Z
/// ```
public struct CronExpression: Sendable, Hashable {
    public let text: String
    private let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    private let anyDay: Bool, anyWeekday: Bool

    public init(_ text: String) throws(ScheduleError) {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 5 else {
            throw ScheduleError("cron expression \"\(text)\" has \(fields.count) fields; write five: minute hour day-of-month month day-of-week, e.g. \"0 * * * *\"")
        }
        self.text = text
        minutes = try Self.parse(fields[0], 0...59, "minute", text)
        hours = try Self.parse(fields[1], 0...23, "hour", text)
        days = try Self.parse(fields[2], 1...31, "day of month", text)
        months = try Self.parse(fields[3], 1...12, "month", text)
        weekdays = Set(try Self.parse(fields[4], 0...7, "day of week", text).map { $0 % 7 })
        anyDay = fields[2] == "*"
        anyWeekday = fields[4] == "*"
    }

    private static func parse(_ field: String, _ range: ClosedRange<Int>, _ name: String, _ text: String) throws(ScheduleError) -> Set<Int> {
        var values = Set<Int>()
        for part in field.split(separator: ",") {
            let pieces = part.split(separator: "/", maxSplits: 1).map(String.init)
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0 else { throw ScheduleError("cron \"\(text)\": bad step in \(name) field \"\(part)\"") }
            var low = range.lowerBound, high = range.upperBound
            if pieces[0] != "*" {
                let bounds = pieces[0].split(separator: "-", maxSplits: 1).map { Int($0) }
                guard let first = bounds.first ?? nil, bounds.allSatisfy({ $0 != nil }) else {
                    throw ScheduleError("cron \"\(text)\": \(name) field \"\(part)\" is not a number, range or *")
                }
                low = first
                high = bounds.count == 2 ? bounds[1]! : (pieces.count == 2 ? range.upperBound : first)
            }
            guard range.contains(low), range.contains(high), low <= high else {
                throw ScheduleError("cron \"\(text)\": \(name) \"\(part)\" is outside \(range.lowerBound)-\(range.upperBound)")
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }

    /// The first matching minute strictly after `t`, within four years (or nil, e.g. for Feb 30).
    public func next(after t: Timestamp) -> Timestamp? {
        let minute: Int64 = 60_000_000
        var candidate = (t.microsecondsSinceEpoch / minute + 1) * minute
        let limit = candidate + 4 * 366 * 1440 * minute
        while candidate < limit {
            let days = candidate / Timestamp.microsecondsPerDay
            let (_, month, day, weekday) = Timestamp(microsecondsSinceEpoch: candidate).utcDate
            let dayMatches: Bool
            if anyDay && anyWeekday { dayMatches = true }
            else if anyDay { dayMatches = weekdays.contains(weekday) }
            else if anyWeekday { dayMatches = self.days.contains(day) }
            else { dayMatches = self.days.contains(day) || weekdays.contains(weekday) }
            if !months.contains(month) || !dayMatches {
                candidate = (days + 1) * Timestamp.microsecondsPerDay
                continue
            }
            let inDay = Int((candidate % Timestamp.microsecondsPerDay) / minute)
            if hours.contains(inDay / 60) && minutes.contains(inDay % 60) { return Timestamp(microsecondsSinceEpoch: candidate) }
            candidate += minute
        }
        return nil
    }

}

/// A schedule that cannot be used.
public struct ScheduleError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Schedule {
    /// Checks that the schedule can run: a positive period, or a cron expression that parses and matches
    /// some minute. `larder apply` refuses a view whose schedule fails this, naming the view.
    public func validate() throws(ScheduleError) {
        _ = try next(after: Timestamp(microsecondsSinceEpoch: 0))
    }

    /// The first run time strictly after `t`: periods count from the epoch so runs land on round times.
    public func next(after t: Timestamp) throws(ScheduleError) -> Timestamp {
        switch self {
        case .every(let period):
            guard period.microseconds > 0 else { throw ScheduleError("schedule period \(period) must be positive") }
            let p = period.microseconds
            let q = t.microsecondsSinceEpoch >= 0 ? t.microsecondsSinceEpoch / p : (t.microsecondsSinceEpoch - p + 1) / p
            return Timestamp(microsecondsSinceEpoch: (q + 1) * p)
        case .cron(let text):
            guard let next = try CronExpression(text).next(after: t) else {
                throw ScheduleError("cron \"\(text)\" never matches (e.g. day 30 of February)")
            }
            return next
        }
    }
}
