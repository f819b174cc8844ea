import Larder

/// One entity's tiles of one aggregation view, in memory: per tile (a hop bucket, a longer span, or the lifetime) the
/// states of its group's aggregations. Built from events (materialization, push) or from a stored hash (push),
/// merged with ``AggregateState`` — the same code as the training set's partial aggregates.
///
/// ```swift
/// var tiles = AggregateTiles(layout: layout)
/// tiles.add(values: [.float64(12.5), .float32(3), .int32(5), .string("card")], time: t, created: t)
/// tiles.encoded(key)   // the bytes of one tile, for its hash field
/// ```
struct AggregateTiles: Sendable {
    struct Key: Hashable, Sendable {
        let group: Int
        /// The bucket's (or day's) first instant; 0 for lifetime.
        let bucket: Int64
        /// Which of the group's tile lengths (``AggregateTileLayout/Group/levels``): 0 for the hop.
        let level: Int
    }

    let layout: AggregateTileLayout
    private(set) var tiles: [Key: [AggregateState]] = [:]
    /// The latest event time added or read (a key's expiry is counted from it).
    private(set) var newest: Int64 = .min

    init(layout: AggregateTileLayout) {
        self.layout = layout
    }

    private func empty(_ group: Int) -> [AggregateState] {
        layout.groups[group].members.map { AggregateState(layout.aggregations[$0].operation) }
    }

    /// Adds one event (its values of the layout's event columns, in order) to every tile it falls in.
    mutating func add(values: [Value], time: Int64, created: Int64) -> [Key] {
        let keys = layout.keys(forEventAt: time)
        for key in keys {
            let group = layout.groups[key.group]
            var states = tiles[key] ?? empty(key.group)
            for (slot, m) in group.members.enumerated() {
                states[slot].add(layout.aggregations[m].column.map { values[$0] } ?? .null, time: time, created: created)
            }
            tiles[key] = states
        }
        newest = max(newest, time)
        return keys
    }

    /// Sets a stored tile; false when its bytes are not a tile of this layout (damaged or from another definition).
    mutating func load(_ key: Key, value: UnsafeRawBufferPointer) -> Bool {
        var states: [AggregateState] = []
        let whole = Self.forEachState(in: value, count: layout.groups[key.group].members.count) { slot, bytes in
            let member = layout.aggregations[layout.groups[key.group].members[slot]]
            guard let state = AggregateTileCodec.decode(bytes, operation: member.operation, type: member.valueType) else { return false }
            states.append(state)
            return true
        }
        guard whole else { return false }
        tiles[key] = states
        return true
    }

    /// Calls `body` with each state's bytes of a stored tile, in slot order; false when the tile is not whole or
    /// `body` refuses a state.
    static func forEachState(in tile: UnsafeRawBufferPointer, count: Int, _ body: (Int, UnsafeRawBufferPointer) -> Bool) -> Bool {
        var offset = 0
        for slot in 0..<count {
            guard tile.count - offset >= 4 else { return false }
            let length = Int(UInt32(littleEndian: tile.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            offset += 4
            guard tile.count - offset >= length, body(slot, UnsafeRawBufferPointer(rebasing: tile[offset..<offset + length])) else { return false }
            offset += length
        }
        return offset == tile.count
    }

    /// Drops the tiles no window at `now` or later reads.
    mutating func prune(now: Int64) {
        tiles = tiles.filter { layout.isLive($0.key, now: now) }
    }

    func encoded(_ key: Key) -> [UInt8] {
        var out: [UInt8] = []
        for state in tiles[key] ?? empty(key.group) {
            let bytes = AggregateTileCodec.encode(state)
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: bytes)
        }
        return out
    }
}
