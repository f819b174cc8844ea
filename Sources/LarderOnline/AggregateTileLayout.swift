public import Larder
public import LarderRegistry

/// How one aggregation view's partial aggregates (tiles) live in Redis, built from its registered spec.
///
/// Per entity there are two keys: a hash of tiles, the only key a lookup reads (one `HGETALL`, whatever the
/// windows or the event rate), and a sorted set of the identities of the events applied to it, which makes
/// a push replayable (README, "Online store layout"). Aggregations with the same hop share tiles: the field
/// `<hop s>:<bucket / hop>` holds the states of every aggregation of that hop over the events of one hop
/// bucket, `L` the states of the lifetime aggregations, `_n` a write counter that writers compare and bump, so
/// that a read-merge-write never overwrites a concurrent one.
///
/// ```swift
/// let layout = try AggregateTileLayout(spec: registered.aggregationView("driver_trips")!, project: "rides")
/// layout.groups.map(\.hop)   // [300000000, 3600000000, nil]: 5-minute tiles, hourly tiles, lifetime
/// ```
public struct AggregateTileLayout: Sendable {
    public let project: String
    public let view: String
    public let joinKeys: [String]
    /// The event columns tiles aggregate, with their declared types, in the spec's order.
    public let eventColumns: [(name: String, type: ValueType)]
    public let groups: [Group]
    public let aggregations: [Member]
    /// Events older than `now −` this are not applied online; the next batch run counts them.
    public let allowedLateness: Int64
    /// How long an applied event's identity is remembered, so a retried push within it is not counted twice.
    public let identityRetention: Int64

    public static let defaultLateness: Int64 = 5 * 60 * 1_000_000
    public static let tokenField = "_n"
    public static let lifetimeField = "L"

    /// Aggregations sharing a hop (or the lifetime ones, `hop == nil`), stored together per bucket.
    public struct Group: Sendable {
        public let hop: Int64?
        /// Positions in ``AggregateTileLayout/aggregations``.
        public let members: [Int]
        /// The longest window of the group: a bucket older than `floor(now − retention)` is never read again.
        public let retention: Int64
        /// The lengths of the group's tiles, shortest (the hop) first, each a multiple of the one before and at most
        /// the longest window, e.g. 1 h, 6 h, 1 d for hourly hops over 7 days. A window is read as the longest tiles
        /// that fit from its start on: a few hop tiles up to the next 6 h, a few 6-hour tiles up to midnight, then
        /// days — about 12 tiles for 7 days instead of 169.
        public let levels: [Int64]
    }

    public static let day: Int64 = 86_400_000_000
    /// The tile lengths above the hop a group may use (those that are multiples of the shorter ones).
    static let tileLengths: [Int64] = [900_000_000, 3_600_000_000, 21_600_000_000, day]

    /// The hop, then each of ``tileLengths`` longer than the last one kept, a multiple of it, dividing a day and no
    /// longer than the group's longest window.
    static func levels(hop: Int64, retention: Int64) -> [Int64] {
        var levels = [hop]
        for length in tileLengths where length > levels.last! && length % levels.last! == 0 && day % length == 0 && length <= retention {
            levels.append(length)
        }
        return levels
    }

    /// One aggregation: what it computes, over which column, and where its state sits in a tile.
    public struct Member: Sendable {
        public let name: String
        public let operation: Aggregation.Operation
        /// Position in ``AggregateTileLayout/eventColumns``; nil for `count`.
        public let column: Int?
        public let valueType: ValueType
        public let window: Int64?
        public let group: Int
        /// Position of the state within its group's tiles.
        public let slot: Int
        public let outputType: Aggregation.OutputType

        /// The first instant of the window at `now` (`floor_hop(now − window)`); nil for lifetime.
        func windowStart(at now: Int64, hop: Int64) -> Int64? {
            window.map { AggregateTileLayout.floor(now &- $0, hop) }
        }
    }

    public init(spec: AggregationViewSpec, joinKeys: [String], project: String, identityRetention: Int64 = 24 * 3_600 * 1_000_000) throws(OnlineStoreError) {
        self.project = project
        view = spec.name
        self.joinKeys = joinKeys
        eventColumns = spec.events.map { ($0.name, $0.type) }
        allowedLateness = spec.allowedLatenessMicroseconds ?? Self.defaultLateness
        self.identityRetention = identityRetention
        var groups: [(hop: Int64?, members: [Int], retention: Int64)] = []
        var members: [Member] = []
        for aggregation in spec.aggregations {
            guard let operation = aggregation.parsedOperation, let output = spec.outputType(of: aggregation) else {
                throw OnlineStoreError(kind: .invalidLayout, view: spec.name, feature: aggregation.name,
                                       message: "operation \(aggregation.operationDescription) is unknown to this larder or does not apply to its column; upgrade larder or fix the definition")
            }
            let column = aggregation.column.flatMap { name in spec.events.firstIndex { $0.name == name } }
            if aggregation.column != nil && column == nil {
                throw OnlineStoreError(kind: .invalidLayout, view: spec.name, feature: aggregation.name,
                                       message: "the aggregated column \(aggregation.column!) is not among the view's event columns")
            }
            let hop = aggregation.windowMicroseconds == nil ? nil : aggregation.hopMicroseconds
            let g: Int
            if let found = groups.firstIndex(where: { $0.hop == hop }) {
                g = found
            } else {
                groups.append((hop, [], 0))
                g = groups.count - 1
            }
            groups[g].members.append(members.count)
            groups[g].retention = max(groups[g].retention, aggregation.windowMicroseconds ?? 0)
            members.append(Member(name: aggregation.name, operation: operation, column: column,
                                  valueType: column.map { spec.events[$0].type } ?? .int64, window: aggregation.windowMicroseconds,
                                  group: g, slot: groups[g].members.count - 1, outputType: output))
        }
        self.groups = groups.map { group in
            return Group(hop: group.hop, members: group.members, retention: group.retention,
                         levels: group.hop.map { Self.levels(hop: $0, retention: group.retention) } ?? [])
        }
        aggregations = members
        if view.isEmpty || view.utf8.contains(UInt8(ascii: ":")) || project.utf8.contains(UInt8(ascii: ":")) {
            throw OnlineStoreError(kind: .invalidLayout, view: view, message: "project and view names must be non-empty and contain no ':' (they are part of every Redis key)")
        }
    }

    public func member(named name: String) -> Int? { aggregations.firstIndex { $0.name == name } }

    /// `<prefix>:<project>:<view>:`, the start of every tile key of the view.
    func keyPrefix(_ prefix: String) -> [UInt8] { Array("\(prefix):\(project):\(view):".utf8) }

    /// The sorted set of applied event identities beside a tile hash `key`.
    static func identityKey(_ key: [UInt8]) -> [UInt8] { key + Array("#ids".utf8) }

    /// The hash field of a tile: `<hop>:<bucket / hop>` for a hop tile, `<hop>x<length>:<start / length>` for a longer
    /// one, `L` for lifetime; lengths in seconds (`<µs>u` when not whole seconds). Short, because a lookup names a
    /// few dozen of them per entity row.
    func field(_ key: AggregateTiles.Key) -> [UInt8] {
        let group = groups[key.group]
        guard let hop = group.hop else { return Array(Self.lifetimeField.utf8) }
        var field: [UInt8] = []
        func append(_ length: Int64) {
            if length % 1_000_000 == 0 {
                OnlineKeyLayout.appendDecimal(length / 1_000_000, to: &field)
            } else {
                OnlineKeyLayout.appendDecimal(length, to: &field)
                field.append(UInt8(ascii: "u"))
            }
        }
        append(hop)
        let length = group.levels[key.level]
        if key.level > 0 {
            field.append(UInt8(ascii: "x"))
            append(length)
        }
        field.append(UInt8(ascii: ":"))
        OnlineKeyLayout.appendDecimal(key.bucket / length, to: &field)
        return field
    }

    /// The bucket an event at `time` falls in for `group`: `floor_hop(time)`, 0 for lifetime.
    func bucket(group: Int, time: Int64) -> Int64 {
        guard let hop = groups[group].hop else { return 0 }
        return Self.floor(time, hop)
    }

    static func floor(_ x: Int64, _ unit: Int64) -> Int64 { x &- (((x % unit) &+ unit) % unit) }

    /// Whether a tile can still be read by a window at `now` or later: it starts at `floor_hop(now − retention)` or
    /// later (a window only reads tiles that start inside it).
    func isLive(_ key: AggregateTiles.Key, now: Int64) -> Bool {
        let group = groups[key.group]
        guard let hop = group.hop else { return true }
        return key.bucket >= Self.floor(now &- group.retention, hop)
    }

    /// The tiles an event at `time` falls in: one per tile length of each group, or the lifetime tile.
    func keys(forEventAt time: Int64) -> [AggregateTiles.Key] {
        var keys: [AggregateTiles.Key] = []
        for (g, group) in groups.enumerated() {
            guard group.hop != nil else {
                keys.append(.init(group: g, bucket: 0, level: 0))
                continue
            }
            for (level, length) in group.levels.enumerated() { keys.append(.init(group: g, bucket: Self.floor(time, length), level: level)) }
        }
        return keys
    }

    /// Per group, the first instant a live tile starts at (`floor_hop(now − retention)`; 0 for lifetime), stored in
    /// `_p` by every write so the next one knows which tiles died since.
    func liveFrom(now: Int64) -> [Int64] {
        groups.map { group in group.hop.map { Self.floor(now &- group.retention, $0) } ?? 0 }
    }

    static let liveFromField = "_p"

    /// The tiles that died between a write that found tiles live from `previous` (its `_p`) and `now`: per tile
    /// length, the tiles starting from `previous` up to the new `liveFrom`, at most a retention's worth (older ones
    /// were already gone).
    func deadKeys(since previous: [Int64], now: Int64) -> [AggregateTiles.Key] {
        guard previous.count == groups.count else { return [] }
        var keys: [AggregateTiles.Key] = []
        for (g, (group, from)) in zip(groups, zip(previous, liveFrom(now: now))).enumerated() where group.hop != nil && from.1 > from.0 {
            for (level, length) in group.levels.enumerated() {
                var start = Self.floor(from.0 &+ length &- 1, length), steps: Int64 = 0
                while start < from.1 && steps < group.retention / length + 2 {
                    keys.append(.init(group: g, bucket: start, level: level))
                    start &+= length
                    steps += 1
                }
            }
        }
        return keys
    }

    /// The tiles whose merge is aggregation `member`'s window at `now` (`floor_hop(now − window) ≤ t < now`): from
    /// the window's start, each time the longest tile that starts there, until one reaches `now`. The last tile may
    /// end after `now`: it holds no event at or after `now` unless events carry future times.
    func window(of member: Int, at now: Int64) -> [AggregateTiles.Key] {
        let aggregation = aggregations[member], g = aggregation.group, group = groups[g]
        guard let hop = group.hop, let start = aggregation.windowStart(at: now, hop: hop) else {
            return [AggregateTiles.Key(group: g, bucket: 0, level: 0)]
        }
        var keys: [AggregateTiles.Key] = []
        var position = start
        while position < now {
            var level = 0
            while level + 1 < group.levels.count && position % group.levels[level + 1] == 0 { level += 1 }
            keys.append(.init(group: g, bucket: position, level: level))
            position &+= group.levels[level]
        }
        return keys
    }

    /// How long after `now` a key whose newest event is at `newest` is still needed by some window, in
    /// milliseconds (at least 1 s); nil when a lifetime aggregation keeps it for good. Relative to the writer's
    /// `now` rather than an absolute instant, so Redis' clock does not have to agree with event time.
    func timeToLive(newest: Int64, now: Int64) -> Int64? {
        var longest: Int64 = 0
        for group in groups {
            guard let hop = group.hop else { return nil }
            longest = max(longest, group.retention &+ 2 &* hop)
        }
        return max(1_000, (newest &+ longest &- now) / 1000 + 1)
    }
}
