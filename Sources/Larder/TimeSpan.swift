/// A signed length of time in microseconds: a view's ttl, a lookback, a schedule period.
///
/// ```swift
/// FeatureView("driver_stats", ttl: .days(1), ...)
/// TimeSpan.hours(6).description   // "6h"
/// ```
public struct TimeSpan: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public static func seconds(_ n: Int64) -> TimeSpan { TimeSpan(microseconds: n * 1_000_000) }
    public static func minutes(_ n: Int64) -> TimeSpan { .seconds(n * 60) }
    public static func hours(_ n: Int64) -> TimeSpan { .seconds(n * 3600) }
    public static func days(_ n: Int64) -> TimeSpan { .seconds(n * 86_400) }
    public static let zero = TimeSpan(microseconds: 0)

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.microseconds < rhs.microseconds }

    /// The shortest exact form: `2d`, `36h`, `90m`, `15s`, or microseconds (`1500us`).
    public var description: String {
        let us = microseconds
        for (unit, size) in [("d", Int64(86_400_000_000)), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000)]
        where us != 0 && us % size == 0 {
            return "\(us / size)\(unit)"
        }
        return us == 0 ? "0s" : "\(us)us"
    }

    /// Reads the form ``description`` writes (`1d`, `6h`, `30m`, `15s`, `250us`); `nil` for other text
    /// and for spans beyond ±292,000 years (which do not fit in microseconds).
    public init?(parsing text: String) {
        let units: [(String, Int64)] = [("us", 1), ("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000)]
        for (unit, size) in units where text.hasSuffix(unit) {
            guard let n = Int64(text.dropLast(unit.count)) else { return nil }
            let (microseconds, overflow) = n.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            self.init(microseconds: microseconds)
            return
        }
        return nil
    }
}
