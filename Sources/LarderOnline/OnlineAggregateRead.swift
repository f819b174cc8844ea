import Larder

/// One aggregation view's reads in a lookup: which of its aggregations are asked for, and how to turn each
/// entity's tile hash (one `HGETALL`) into their values at `now`. Compiled once per lookup shape.
final class OnlineAggregateRead: Sendable {
    let layout: AggregateTileLayout
    /// Positions of the requested aggregations in the layout, in request order.
    let members: [Int]
    let keyPrefix: [UInt8]
    /// Per join key of the view: its column among the query's entities, its name and declared type.
    let keys: [(entity: Int, name: String, type: ValueType)]

    init(layout: AggregateTileLayout, members: [Int], keyPrefix: String, keys: [(entity: Int, name: String, type: ValueType)]) {
        self.layout = layout
        self.members = members
        self.keyPrefix = layout.keyPrefix(keyPrefix)
        self.keys = keys
    }

    var features: [String] { members.map { layout.aggregations[$0].name } }

    /// Appends `HGETALL <key>` for the entity key whose values `appendValues` writes after the prefix.
    func appendRead<E: Error>(to pipeline: inout RedisPipeline, key: inout [UInt8], appendValues: (inout [UInt8]) throws(E) -> Void) throws(E) {
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: keyPrefix)
        try appendValues(&key)
        pipeline.beginCommand(argumentCount: 2)
        pipeline.appendArgument(Self.hgetall)
        pipeline.appendArgument(key)
    }

    private static let hgetall = Array("HGETALL".utf8)

    /// Appends one entity row's values from its `HGETALL` reply: `PRESENT`, or `NULL_VALUE` for a null aggregate
    /// (an entity without events has count 0 and every other aggregate null).
    func decodeRow(_ reply: RedisReplyRef, row: Int, now: Int64, into rows: inout OnlineViewRows) throws(OnlineStoreError) {
        guard reply.isArray, reply.count % 2 == 0 else {
            guard reply.isError else {
                throw OnlineStoreError(kind: .server, view: layout.view, row: row, message: "HGETALL answered \(reply.reply), not field/value pairs")
            }
            let text = reply.text
            throw OnlineStoreError(kind: OnlineStoreError.kind(ofReply: text), view: layout.view, row: row, message: "Redis refused the read: \(text)")
        }
        var tiles = AggregateTiles(layout: layout)
        for p in stride(from: 0, to: reply.count, by: 2) {
            let field = reply[p].bytes
            guard tiles.load(field: field, value: reply[p + 1].bytes) else {
                throw OnlineStoreError(kind: .corruptValue, view: layout.view, row: row,
                                       message: "tile \(String(decoding: field, as: UTF8.self)) does not decode as this view's aggregations; rematerialize the view")
            }
        }
        let states = tiles.states(at: now)
        rows.beginRow(eventTime: nil)
        for m in members {
            let value = states[m].result
            rows.appendFeature(value, value.isNull ? .nullValue : .present)
        }
    }
}
