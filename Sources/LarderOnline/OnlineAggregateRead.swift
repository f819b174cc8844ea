import Larder
import Synchronization

/// One aggregation view's reads in a lookup: which of its aggregations are asked for, and how to turn each
/// entity's tiles into their values at `now`. Compiled once per lookup shape; per lookup, ``window(at:)`` lists
/// the tiles the windows need (the same for every entity row), read with one `HMGET` per row.
final class OnlineAggregateRead: Sendable {
    let layout: AggregateTileLayout
    /// Positions of the requested aggregations in the layout, in request order.
    let members: [Int]
    let keyPrefix: [UInt8]
    /// Per join key of the view: its column among the query's entities, its name and declared type.
    let keys: [(entity: Int, name: String, type: ValueType)]

    /// The greatest common divisor of the hops: the windows at `now` only change when `now` or `now − 1` enters
    /// another multiple of it (every hop and the day are multiples), so one ``Window`` serves every lookup between.
    private let step: Int64
    /// Per requested aggregation: the type of its column, and its empty state.
    private let types: [ValueType]
    private let initial: [AggregateState]
    private let cached = Mutex<(instant: Int64, previous: Int64, window: Window)?>(nil)

    init(layout: AggregateTileLayout, members: [Int], keyPrefix: String, keys: [(entity: Int, name: String, type: ValueType)]) {
        self.layout = layout
        self.members = members
        self.keyPrefix = layout.keyPrefix(keyPrefix)
        self.keys = keys
        func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }
        step = layout.groups.compactMap(\.hop).reduce(AggregateTileLayout.day, gcd)
        types = members.map { layout.aggregations[$0].valueType }
        initial = members.map { AggregateState(layout.aggregations[$0].operation) }
    }

    var features: [String] { members.map { layout.aggregations[$0].name } }

    /// The tiles of a lookup at one instant: their hash fields, and per field which of its states feed which
    /// requested aggregation.
    struct Window: Sendable {
        let fields: RedisPipeline.EncodedArguments
        /// Per field: how many states its tile holds (its group's aggregations).
        let stateCounts: [Int]
        /// Per field: (slot of the state in the tile, position of the aggregation among the requested ones).
        let uses: [[(slot: Int, output: Int)]]
    }

    func window(at now: Int64) -> Window {
        let instant = AggregateTileLayout.floor(now, step), previous = AggregateTileLayout.floor(now &- 1, step)
        if let hit = cached.withLock({ $0 }), hit.instant == instant, hit.previous == previous { return hit.window }
        let window = computeWindow(at: now)
        cached.withLock { $0 = (instant, previous, window) }
        return window
    }

    private func computeWindow(at now: Int64) -> Window {
        var index: [AggregateTiles.Key: Int] = [:]
        var fields: [[UInt8]] = [], groups: [Int] = [], uses: [[(slot: Int, output: Int)]] = []
        for (output, m) in members.enumerated() {
            for key in layout.window(of: m, at: now) {
                let i: Int
                if let known = index[key] {
                    i = known
                } else {
                    i = fields.count
                    index[key] = i
                    fields.append(layout.field(key))
                    groups.append(key.group)
                    uses.append([])
                }
                uses[i].append((layout.aggregations[m].slot, output))
            }
        }
        return Window(fields: RedisPipeline.EncodedArguments(fields), stateCounts: groups.map { layout.groups[$0].members.count }, uses: uses)
    }

    /// Appends `HMGET <key> <fields>` for the entity key whose values `appendValues` writes after the prefix.
    func appendRead<E: Error>(_ window: Window, to pipeline: inout RedisPipeline, key: inout [UInt8],
                              appendValues: (inout [UInt8]) throws(E) -> Void) throws(E) {
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: keyPrefix)
        try appendValues(&key)
        pipeline.beginCommand(argumentCount: 2 + window.fields.count)
        pipeline.appendArgument(Self.hmget)
        pipeline.appendArgument(key)
        pipeline.appendArguments(window.fields)
    }

    private static let hmget = Array("HMGET".utf8)

    /// Appends one entity row's values from its `HMGET` reply: `PRESENT`, or `NULL_VALUE` for a null aggregate
    /// (an entity without events has count 0 and every other aggregate null). Only the requested states of the
    /// tiles read are decoded.
    func decodeRow(_ reply: RedisReplyRef, window: Window, row: Int, into rows: inout OnlineViewRows) throws(OnlineStoreError) {
        let fieldCount = window.stateCounts.count
        guard reply.isArray, reply.count == fieldCount else {
            guard reply.isError else {
                throw OnlineStoreError(kind: .server, view: layout.view, row: row, message: "HMGET answered \(reply.reply), not \(fieldCount) values")
            }
            let text = reply.text
            throw OnlineStoreError(kind: OnlineStoreError.kind(ofReply: text), view: layout.view, row: row, message: "Redis refused the read: \(text)")
        }
        var states = initial
        for i in 0..<fieldCount {
            let tile = reply[i]
            if tile.isNull { continue }
            guard Self.merge(tile.bytes, states: window.stateCounts[i], uses: window.uses[i], types: types, into: &states) else {
                throw OnlineStoreError(kind: .corruptValue, view: layout.view, row: row,
                                       message: "a tile does not decode as this view's aggregations; rematerialize the view")
            }
        }
        rows.beginRow(eventTime: nil)
        for state in states {
            let value = state.result
            rows.appendFeature(value, value.isNull ? .nullValue : .present)
        }
    }

    /// Merges the used states of one stored tile into `states`; false when the tile is not whole.
    private static func merge(_ tile: UnsafeRawBufferPointer, states count: Int, uses: [(slot: Int, output: Int)], types: [ValueType],
                              into states: inout [AggregateState]) -> Bool {
        AggregateTiles.forEachState(in: tile, count: count) { slot, bytes in
            for use in uses where use.slot == slot {
                guard AggregateTileCodec.merge(bytes, into: &states[use.output], type: types[use.output]) else { return false }
            }
            return true
        }
    }
}
