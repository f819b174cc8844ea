/// When `larder serve` (or `larder schedule`) materializes a view by itself.
///
/// ```swift
/// schedule: .every(.minutes(15))
/// schedule: .cron("0 * * * *")     // at minute 0 of every hour, UTC
/// ```
public enum Schedule: Sendable, Hashable, CustomStringConvertible {
    /// A fixed period, counted from the Unix epoch so runs land on round times.
    case every(TimeSpan)
    /// A five-field cron expression (minute hour day-of-month month day-of-week), in UTC.
    case cron(String)

    public var description: String {
        switch self {
        case .every(let period): "every \(period)"
        case .cron(let expression): "cron \(expression)"
        }
    }
}
