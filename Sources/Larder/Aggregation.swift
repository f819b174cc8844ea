/// One feature of an ``AggregationView``: an operation over the events of a window before the moment
/// asked about.
///
/// An event with event time `ts` counts for a query at time `t` (an entity row's time in a training set,
/// the lookup's `now` online) iff `floor_hop(t − window) ≤ ts < t`: a window whose start moves in steps of
/// `hop`, so its length lies between `window` and `window + hop`, and whose end is exclusive, so a row never
/// sees its own event. A lifetime aggregation counts every event before `t`. Nulls are ignored; an empty
/// window gives `count` 0, `lastK` an empty list and null for every other operation (`stddev` needs two
/// values). `last` and `lastK` order events by (event time, created), a full tie by the greater value.
///
/// ```swift
/// .count("trips_1h", over: .hours(1))
/// .sum("fare_sum_24h", of: "fare", over: .hours(24))
/// .last("last_payment", of: "payment", over: .lifetime)
/// .last(3, "last3_fares", of: "fare", over: .days(7))
/// ```
public struct Aggregation: Sendable, Hashable {
    /// The feature's name.
    public let name: String
    public let operation: Operation
    /// The event column aggregated; `nil` for `count`, which counts events.
    public let column: String?
    public let window: Window
    /// The step of the window's start; `nil` takes ``defaultHop(for:)``.
    public let hop: TimeSpan?

    public enum Operation: Sendable, Hashable {
        case count, sum, mean, min, max
        /// The sample standard deviation.
        case stddev
        /// The latest value.
        case last
        /// The `k` latest values, latest first (a list-valued feature); `k` ≤ 100.
        case lastK(Int)
    }

    public enum Window: Sendable, Hashable {
        case lifetime
        case span(TimeSpan)

        public static func minutes(_ n: Int64) -> Window { .span(.minutes(n)) }
        public static func hours(_ n: Int64) -> Window { .span(.hours(n)) }
        public static func days(_ n: Int64) -> Window { .span(.days(n)) }
    }

    public init(_ name: String, _ operation: Operation, of column: String?, over window: Window, hop: TimeSpan? = nil) {
        self.name = name
        self.operation = operation
        self.column = column
        self.window = window
        self.hop = hop
    }

    public static func count(_ name: String, over window: Window, hop: TimeSpan? = nil) -> Aggregation {
        Aggregation(name, .count, of: nil, over: window, hop: hop)
    }
    public static func sum(_ name: String, of column: String, over window: Window, hop: TimeSpan? = nil) -> Aggregation {
        Aggregation(name, .sum, of: column, over: window, hop: hop)
    }
    public static func mean(_ name: String, of column: String, over window: Window, hop: TimeSpan? = nil) -> Aggregation {
        Aggregation(name, .mean, of: column, over: window, hop: hop)
    }
    public static func min(_ name: String, of column: String, over window: Window, hop: TimeSpan? = nil) -> Aggregation {
        Aggregation(name, .min, of: column, over: window, hop: hop)
    }
    public static func max(_ name: String, of column: String, over window: Window, hop: TimeSpan? = nil) -> Aggregation {
        Aggregation(name, .max, of: column, over: window, hop: hop)
    }
    public static func stddev(_ name: String, of column: String, over window: Window, hop: TimeSpan? = nil) -> Aggregation {
        Aggregation(name, .stddev, of: column, over: window, hop: hop)
    }
    public static func last(_ name: String, of column: String, over window: Window, hop: TimeSpan? = nil) -> Aggregation {
        Aggregation(name, .last, of: column, over: window, hop: hop)
    }
    public static func last(_ k: Int, _ name: String, of column: String, over window: Window, hop: TimeSpan? = nil) -> Aggregation {
        Aggregation(name, .lastK(k), of: column, over: window, hop: hop)
    }

    /// 5 minutes for windows under 12 hours, 1 hour under 12 days, else 1 day.
    public static func defaultHop(for window: TimeSpan) -> TimeSpan {
        window < .hours(12) ? .minutes(5) : window < .days(12) ? .hours(1) : .days(1)
    }

    /// The hop in effect; `nil` for a lifetime window.
    public var effectiveHop: TimeSpan? {
        guard case .span(let span) = window else { return nil }
        return hop ?? Self.defaultHop(for: span)
    }

    /// The first event time a query at `t` (µs since the epoch) counts: `floor_hop(t − window)`, a true
    /// floor also before 1970; `nil` for a lifetime window.
    public func windowStart(at t: Int64) -> Int64? {
        guard case .span(let span) = window, let hop = effectiveHop?.microseconds else { return nil }
        let x = t &- span.microseconds
        return x &- (((x % hop) &+ hop) % hop)
    }

    /// The feature's type for an input column of `input` (ignored for `count`); nil when the operation
    /// does not apply to it.
    public func outputType(input: ValueType?) -> OutputType? {
        switch operation {
        case .count: return .scalar(.int64)
        case .sum:
            switch input {
            case .int32?, .int64?: return .scalar(.int64)
            case .float32?, .float64?: return .scalar(.float64)
            default: return nil
            }
        case .mean, .stddev:
            switch input {
            case .int32?, .int64?, .float32?, .float64?: return .scalar(.float64)
            default: return nil
            }
        case .min, .max:
            switch input {
            case .int32?, .int64?, .float32?, .float64?, .timestamp?, .string?: return input.map(OutputType.scalar)
            default: return nil
            }
        case .last: return input.map(OutputType.scalar)
        case .lastK: return input.map(OutputType.list)
        }
    }

    /// What a feature holds: one value, or a list of values of one type.
    public enum OutputType: Sendable, Hashable, CustomStringConvertible {
        case scalar(ValueType)
        case list(ValueType)

        public var description: String {
            switch self {
            case .scalar(let type): "\(type)"
            case .list(let type): "list<\(type)>"
            }
        }
    }
}

extension Aggregation.Operation: CustomStringConvertible {
    public var description: String {
        switch self {
        case .count: "count"
        case .sum: "sum"
        case .mean: "mean"
        case .min: "min"
        case .max: "max"
        case .stddev: "stddev"
        case .last: "last"
        case .lastK(let k): "last_k(\(k))"
        }
    }
}
