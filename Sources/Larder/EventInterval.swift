/// A half-open interval of event time, `[start, end)`: what one materialization reads.
///
/// ```swift
/// let day = EventInterval(start: try Timestamp(parsing: "2026-01-01"), end: try Timestamp(parsing: "2026-01-02"))
/// day.contains(try Timestamp(parsing: "2026-01-01T23:59:59Z"))   // true
/// day.contains(day.end)                                          // false
/// ```
public struct EventInterval: Sendable, Hashable, Codable, CustomStringConvertible {
    public var start: Timestamp
    public var end: Timestamp

    public init(start: Timestamp, end: Timestamp) {
        self.start = start
        self.end = end
    }

    /// Every representable instant.
    public static let all = EventInterval(start: Timestamp(microsecondsSinceEpoch: .min),
                                          end: Timestamp(microsecondsSinceEpoch: .max))

    public var isEmpty: Bool { end <= start }

    @inlinable
    public func contains(_ t: Timestamp) -> Bool { t >= start && t < end }

    @inlinable
    public func contains(micros: Int64) -> Bool {
        micros >= start.microsecondsSinceEpoch && micros < end.microsecondsSinceEpoch
    }

    public func overlaps(_ other: EventInterval) -> Bool { start < other.end && other.start < end }

    public var description: String { "[\(start.iso8601(fractionalDigits: 0)), \(end.iso8601(fractionalDigits: 0)))" }
}
