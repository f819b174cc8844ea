import Larder

/// One entity's tiles of one aggregation view, in memory: per (group, bucket) the states of the group's
/// aggregations. Built from events (materialization, push) or from a stored hash (push, lookup), merged with
/// ``AggregateState`` — the same code as the training set's partial aggregates — and read at `now` by the
/// rule of the training sets: a window's tiles are the buckets from `floor_hop(now − window)` up to `now`.
///
/// ```swift
/// var tiles = AggregateTiles(layout: layout)
/// tiles.add(values: [.float64(12.5), .float32(3), .int32(5), .string("card")], time: t, created: t)
/// tiles.values(at: now)   // one value per aggregation of the view
/// ```
struct AggregateTiles: Sendable {
    struct Key: Hashable, Sendable {
        let group: Int
        let bucket: Int64
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

    /// Adds one event: its values of the layout's event columns, in order.
    mutating func add(values: [Value], time: Int64, created: Int64) -> Set<Key> {
        var touched = Set<Key>()
        for g in layout.groups.indices {
            let key = Key(group: g, bucket: layout.bucket(group: g, time: time))
            var states = tiles[key] ?? empty(g)
            for (slot, m) in layout.groups[g].members.enumerated() {
                let member = layout.aggregations[m]
                states[slot].add(member.column.map { values[$0] } ?? .null, time: time, created: created)
            }
            tiles[key] = states
            touched.insert(key)
        }
        newest = max(newest, time)
        return touched
    }

    /// Sets a stored tile; false when its bytes are not a tile of this layout (damaged or from another definition).
    mutating func load(field: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Bool {
        guard let (group, bucket) = layout.tile(ofField: field) else { return true }
        guard let states = decode(group: group, value) else { return false }
        tiles[Key(group: group, bucket: bucket)] = states
        if layout.groups[group].hop != nil { newest = max(newest, bucket) }
        return true
    }

    /// Drops the buckets no window at `now` or later reads; returns them.
    mutating func prune(now: Int64) -> [Key] {
        let dead = tiles.keys.filter { !layout.isLive(group: $0.group, bucket: $0.bucket, now: now) }
        for key in dead { tiles[key] = nil }
        return dead
    }

    /// Each aggregation's value at `now`.
    func values(at now: Int64) -> [Value] {
        states(at: now).map(\.result)
    }

    /// Each aggregation's state at `now`: the merge of its group's tiles inside its window.
    func states(at now: Int64) -> [AggregateState] {
        var merged = layout.aggregations.map { AggregateState($0.operation) }
        for (key, states) in tiles {
            let group = layout.groups[key.group]
            if group.hop != nil, key.bucket >= now { continue }
            for (slot, m) in group.members.enumerated() {
                if let hop = group.hop, let start = layout.aggregations[m].windowStart(at: now, hop: hop), key.bucket < start { continue }
                merged[m].merge(states[slot])
            }
        }
        return merged
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

    private func decode(group: Int, _ bytes: UnsafeRawBufferPointer) -> [AggregateState]? {
        var states: [AggregateState] = []
        var offset = 0
        for m in layout.groups[group].members {
            guard bytes.count - offset >= 4 else { return nil }
            var length = 0
            for k in 0..<4 { length |= Int(bytes[offset + k]) << (8 * k) }
            offset += 4
            guard bytes.count - offset >= length else { return nil }
            let member = layout.aggregations[m]
            guard let state = AggregateTileCodec.decode(Array(bytes[offset..<offset + length]), operation: member.operation, type: member.valueType) else {
                return nil
            }
            states.append(state)
            offset += length
        }
        return offset == bytes.count ? states : nil
    }
}
