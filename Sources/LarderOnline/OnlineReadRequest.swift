public import Larder

/// One view's part of an online lookup: which features of `layout` to read for which entity keys.
/// Several requests are served together in one Redis round trip by
/// ``RedisOnlineStore/read(_:now:)``.
///
/// ```swift
/// let request = OnlineReadRequest(layout: driverStats, features: ["conv_rate", "trips"],
///                                 entityKeys: [[.int64(1001)], [.int64(1002)]])
/// ```
public struct OnlineReadRequest: Sendable {
    public var layout: OnlineViewLayout
    /// Feature names of the view, in the order values are returned.
    public var features: [String]
    /// One value per join key of the view, per entity row.
    public var entityKeys: [[Value]]

    public init(layout: OnlineViewLayout, features: [String], entityKeys: [[Value]]) {
        self.layout = layout
        self.features = features
        self.entityKeys = entityKeys
    }
}

/// What a write did: rows given, rows stored, rows left alone because the store already held the
/// same or a newer version, and the Redis round trips used.
///
/// ```swift
/// let stats = try await store.write(layout, rows: rows)
/// print("\(stats.written) written, \(stats.skipped) not newer")
/// ```
public struct OnlineWriteStats: Sendable, Hashable {
    public var rows = 0
    public var written = 0
    public var skipped = 0
    public var roundTrips = 0

    public init(rows: Int = 0, written: Int = 0, skipped: Int = 0, roundTrips: Int = 0) {
        self.rows = rows
        self.written = written
        self.skipped = skipped
        self.roundTrips = roundTrips
    }

    static func + (a: OnlineWriteStats, b: OnlineWriteStats) -> OnlineWriteStats {
        OnlineWriteStats(rows: a.rows + b.rows, written: a.written + b.written, skipped: a.skipped + b.skipped,
                         roundTrips: a.roundTrips + b.roundTrips)
    }
}
