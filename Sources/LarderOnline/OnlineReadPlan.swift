import Larder

/// One view's reads: which features of its layout, their types, the view's key prefix and the HMGET
/// fields (version first), checked and encoded once — per lookup shape on the serving path. A class:
/// every lookup's read plan holds its views' reads, and copying one is then a single retain.
final class OnlineViewRead: Sendable {
    let layout: OnlineViewLayout
    let features: [String]
    let types: [ValueType]
    let keyPrefix: [UInt8]
    let fields: RedisPipeline.EncodedArguments

    init(layout: OnlineViewLayout, features: [String], keyPrefix: String) throws(OnlineStoreError) {
        try layout.validate()
        var types: [ValueType] = []
        var fields: [[UInt8]] = [Array(OnlineKeyLayout.versionField.utf8)]
        for name in features {
            guard let index = layout.featureIndex[name] else {
                throw OnlineStoreError(kind: .unknownFeature, view: layout.view, feature: name,
                                       message: "the view has no such feature; it has: \(layout.features.map(\.name).joined(separator: ", "))")
            }
            types.append(layout.features[index].type)
            fields.append(Array(name.utf8))
        }
        self.layout = layout
        self.features = features
        self.types = types
        self.keyPrefix = OnlineKeyLayout.keyPrefix(keyPrefix, layout: layout)
        self.fields = RedisPipeline.EncodedArguments(fields)
    }

    /// Appends `HMGET <key> <fields>` for the entity key whose values `appendValues` writes after the prefix.
    func appendHMGET<E: Error>(to pipeline: inout RedisPipeline, key: inout [UInt8],
                               appendValues: (inout [UInt8]) throws(E) -> Void) throws(E) {
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: keyPrefix)
        try appendValues(&key)
        pipeline.beginCommand(argumentCount: 2 + fields.count)
        pipeline.appendArgument(Self.hmget)
        pipeline.appendArgument(key)
        pipeline.appendArguments(fields)
    }

    private static let hmget = Array("HMGET".utf8)
}

/// The pipelined HMGETs of one online lookup and how to decode their replies into rows.
struct OnlineReadPlan: Sendable {
    private struct View: Sendable {
        let read: OnlineViewRead
        let rowCount: Int
        /// Rows whose event time is before this are outside the max age.
        let oldestServed: Timestamp?

        init(_ read: OnlineViewRead, rowCount: Int, now: Timestamp) {
            self.read = read
            self.rowCount = rowCount
            oldestServed = read.layout.effectiveTTL.map { now.adding(TimeSpan(microseconds: -$0.microseconds)) }
        }
    }

    private let views: [View]
    private let aggregates: [(read: OnlineAggregateRead, window: OnlineAggregateRead.Window)]
    private let rowCount: Int
    let pipeline: RedisPipeline
    var commandCount: Int { pipeline.count }

    init(requests: [OnlineReadRequest], keyPrefix: String, now: Timestamp) throws(OnlineStoreError) {
        var pipeline = RedisPipeline(reservingCapacity: requests.reduce(0) { $0 + $1.entityKeys.count * (48 + 16 * $1.features.count) })
        var views: [View] = []
        views.reserveCapacity(requests.count)
        var key: [UInt8] = []
        for request in requests {
            let read = try OnlineViewRead(layout: request.layout, features: request.features, keyPrefix: keyPrefix)
            let layout = read.layout
            for (row, entityKey) in request.entityKeys.enumerated() {
                guard entityKey.count == layout.joinKeys.count else {
                    throw OnlineStoreError(kind: .invalidRows, view: layout.view, row: row,
                                           message: "\(entityKey.count) join key values given; the view's join keys are \(layout.joinKeys)")
                }
                try read.appendHMGET(to: &pipeline, key: &key) { key throws(OnlineStoreError) in
                    if let null = OnlineKeyLayout.appendEntityKey(entityKey, to: &key) {
                        throw OnlineStoreError(kind: .invalidRows, view: layout.view, feature: layout.joinKeys[null], row: row,
                                               message: "the join key value is null; give a value for every join key")
                    }
                }
            }
            views.append(View(read, rowCount: request.entityKeys.count, now: now))
        }
        self.views = views
        aggregates = []
        rowCount = 0
        self.pipeline = pipeline
    }

    /// The reads of a compiled lookup: one HMGET per view and entity row, with the row's key values
    /// checked against the join keys' types (``OnlineLookup/checkKey(_:type:key:row:)``, which refuses null).
    init(shape: OnlineLookupShape, entities: [(name: String, values: [Value])], rowCount: Int, now: Timestamp) throws(LookupError) {
        var pipeline = RedisPipeline(reservingCapacity: shape.views.reduce(0) { $0 + rowCount * (64 + $1.read.fields.byteCount) },
                                     commands: shape.views.count * rowCount)
        var key: [UInt8] = []
        key.reserveCapacity(64)
        var views: [View] = []
        views.reserveCapacity(shape.views.count)
        for view in shape.views {
            for row in 0..<rowCount {
                try view.read.appendHMGET(to: &pipeline, key: &key) { key throws(LookupError) in
                    try Self.appendCheckedKey(view.keys, entities: entities, row: row, to: &key)
                }
            }
            views.append(View(view.read, rowCount: rowCount, now: now))
        }
        var aggregates: [(read: OnlineAggregateRead, window: OnlineAggregateRead.Window)] = []
        for aggregate in shape.aggregates {
            let window = aggregate.window(at: now.microsecondsSinceEpoch)
            aggregates.append((aggregate, window))
            for row in 0..<rowCount {
                try aggregate.appendRead(window, to: &pipeline, key: &key) { key throws(LookupError) in
                    try Self.appendCheckedKey(aggregate.keys, entities: entities, row: row, to: &key)
                }
            }
        }
        self.views = views
        self.aggregates = aggregates
        self.rowCount = rowCount
        self.pipeline = pipeline
    }

    /// Appends row `row`'s entity key: each join key's value from its column of `entities`, checked against its type.
    private static func appendCheckedKey(_ keys: [(entity: Int, name: String, type: ValueType)], entities: [(name: String, values: [Value])],
                                         row: Int, to key: inout [UInt8]) throws(LookupError) {
        for (k, joinKey) in keys.enumerated() {
            if k > 0 { key.append(UInt8(ascii: "|")) }
            let value = try OnlineLookup.checkKey(entities[joinKey.entity].values[row], type: joinKey.type, key: joinKey.name, row: row)
            OnlineKeyLayout.appendEntityValue(value, to: &key)
        }
    }

    /// Decodes the pipeline's replies (borrowed from hiredis) into each view's rows.
    func decode(_ replies: RedisReplies) throws(OnlineStoreError) -> [OnlineViewRows] {
        var result: [OnlineViewRows] = []
        result.reserveCapacity(views.count)
        var index = 0
        for view in views {
            var rows = OnlineViewRows(featureCount: view.read.types.count, reservingRows: view.rowCount)
            for row in 0..<view.rowCount {
                try decodeRow(replies[index], view: view, row: row, into: &rows)
                index += 1
            }
            result.append(rows)
        }
        for (aggregate, window) in aggregates {
            var rows = OnlineViewRows(featureCount: aggregate.members.count, reservingRows: rowCount)
            for row in 0..<rowCount {
                try aggregate.decodeRow(replies[index], window: window, row: row, into: &rows)
                index += 1
            }
            result.append(rows)
        }
        return result
    }

    private func decodeRow(_ reply: RedisReplyRef, view: View, row: Int, into rows: inout OnlineViewRows) throws(OnlineStoreError) {
        let read = view.read
        let count = read.types.count
        guard reply.isArray, reply.count == count + 1 else {
            guard reply.isError else {
                throw OnlineStoreError(kind: .server, view: read.layout.view, row: row,
                                       message: "HMGET answered \(reply.reply), not \(count + 1) values")
            }
            let text = reply.text
            throw OnlineStoreError(kind: OnlineStoreError.kind(ofReply: text), view: read.layout.view, row: row,
                                   message: "Redis refused the read: \(text)")
        }
        let version = reply[0]
        if version.isNull { return rows.appendRow(allNull: .notFound, eventTime: nil) }
        guard let eventTime = OnlineKeyLayout.eventTime(fromVersion: version.bytes) else {
            throw OnlineStoreError(kind: .corruptValue, view: read.layout.view, row: row,
                                   message: "the row's version field holds \(version.bytes.count) bytes, not 16; rewrite the view")
        }
        if let oldest = view.oldestServed, eventTime < oldest {
            return rows.appendRow(allNull: .outsideMaxAge, eventTime: eventTime)
        }
        rows.beginRow(eventTime: eventTime)
        for f in 0..<count {
            let field = reply[f + 1]
            if field.isNull {
                rows.appendFeature(.null, .nullValue)
            } else if let value = OnlineValueCodec.decode(field.bytes, as: read.types[f]) {
                rows.appendFeature(value, .present)
            } else {
                throw OnlineStoreError(kind: .corruptValue, view: read.layout.view, feature: read.features[f], row: row,
                                       message: "\(field.bytes.count) stored bytes do not encode a \(read.types[f]); the declared type changed since the row was written: rematerialize the view")
            }
        }
    }
}
