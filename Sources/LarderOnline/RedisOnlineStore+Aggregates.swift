public import Larder

extension RedisOnlineStore {
    /// One entity's new tiles, ready for ``AggregateWriteScript``.
    private struct TileWrite {
        var key: [UInt8]
        /// The `_n` read (`""` none), or `"*"` to replace the hash whatever it holds.
        var expected: String
        var set: [([UInt8], [UInt8])] = []
        var delete: [[UInt8]] = []
        var identities: [[UInt8]] = []
        var expiry: Expiry = .keep

        enum Expiry {
            /// Leave the hash's expiry as it is (a write that applied no event).
            case keep
            case never
            /// Milliseconds from now (``AggregateTileLayout/timeToLive(newest:now:)``).
            case after(Int64)
        }
    }

    /// Replaces every entity's tiles with ones built from `events` (a batch run: the view's whole event
    /// history), as they stand at `now`: events at or after `now` are left out — a lookup's current tile must hold
    /// only what happened before it; they come online with a later run or a push. Returns the entities written.
    /// Identities of pushed events are kept.
    @discardableResult
    public func replaceTiles(_ layout: AggregateTileLayout, events: AggregateEvents, now: Timestamp) async throws -> Int {
        let prefix = layout.keyPrefix(keyPrefix)
        var order: [[UInt8]] = []
        var tiles: [[UInt8]: AggregateTiles] = [:]
        let nowMicros = now.microsecondsSinceEpoch
        for e in 0..<events.count where events.times[e] < nowMicros {
            let key = try Self.tileKey(prefix: prefix, layout: layout, values: events.entityKeys[e], row: e)
            if tiles[key] == nil {
                order.append(key)
                tiles[key] = AggregateTiles(layout: layout)
            }
            _ = tiles[key]!.add(values: events.values[e], time: events.times[e], created: events.created[e])
        }
        var writes: [TileWrite] = []
        writes.reserveCapacity(order.count)
        for key in order {
            var entity = tiles.removeValue(forKey: key)!
            entity.prune(now: nowMicros)
            var write = TileWrite(key: key, expected: "*", expiry: layout.timeToLive(newest: entity.newest, now: nowMicros).map(TileWrite.Expiry.after) ?? .never)
            for tile in entity.tiles.keys { write.set.append((layout.field(tile), entity.encoded(tile))) }
            write.set.append((Array(AggregateTileLayout.liveFromField.utf8), Self.encode(liveFrom: layout.liveFrom(now: nowMicros))))
            writes.append(write)
        }
        let sha = try await loadedAggregateScriptSHA()
        for chunk in stride(from: 0, to: writes.count, by: 1_024) {
            let stale = try await send(Array(writes[chunk..<min(chunk + 1_024, writes.count)]), sha: sha, layout: layout, now: nowMicros)
            precondition(stale.isEmpty, "a replacing write cannot be stale")
        }
        return writes.count
    }

    /// Applies pushed events to their entities' tiles atomically: each entity's tiles are read, merged with the
    /// events not applied before (by identity, ``AggregateEvents``) in Swift, and written back only if no other
    /// writer changed them meanwhile — else read and merged again. Events older than the view's allowed lateness
    /// are recorded but not applied (``AggregatePushStats/late``).
    public func pushEvents(_ layout: AggregateTileLayout, events: AggregateEvents, now: Timestamp, maxRounds: Int = 16) async throws -> AggregatePushStats {
        let prefix = layout.keyPrefix(keyPrefix)
        let nowMicros = now.microsecondsSinceEpoch
        var order: [[UInt8]] = []
        var eventsOf: [[UInt8]: [Int]] = [:]
        var identities: [[UInt8]] = []
        identities.reserveCapacity(events.count)
        for e in 0..<events.count {
            let key = try Self.tileKey(prefix: prefix, layout: layout, values: events.entityKeys[e], row: e)
            if eventsOf[key] == nil { order.append(key) }
            eventsOf[key, default: []].append(e)
            identities.append(events.identity(e, key: key))
        }
        let sha = try await loadedAggregateScriptSHA()
        var stats = AggregatePushStats()
        var pending = order
        while !pending.isEmpty {
            guard stats.rounds < maxRounds else {
                throw OnlineStoreError(kind: .unavailable, view: layout.view,
                                       message: "\(pending.count) entities changed under \(maxRounds) successive merges (other writers); retry the push, it is idempotent")
            }
            stats.rounds += 1
            // Each entity's write counter, live-from marker and the tiles its on-time events fall in (not the whole
            // hash: a push decodes a few tiles per entity, not every bucket of its longest window).
            var pipeline = RedisPipeline()
            var wanted: [[AggregateTiles.Key]] = []
            for key in pending {
                var keys: [AggregateTiles.Key] = [], seen = Set<AggregateTiles.Key>()
                for e in eventsOf[key]! where events.times[e] >= nowMicros &- layout.allowedLateness {
                    for tile in layout.keys(forEventAt: events.times[e]) where seen.insert(tile).inserted { keys.append(tile) }
                }
                wanted.append(keys)
                pipeline.append([Array("HMGET".utf8), key, Array(AggregateTileLayout.tokenField.utf8), Array(AggregateTileLayout.liveFromField.utf8)]
                                + keys.map(layout.field))
                pipeline.append([Array("ZMSCORE".utf8), AggregateTileLayout.identityKey(key)] + eventsOf[key]!.map { identities[$0] })
            }
            let replies = try await client.pipeline(pipeline, retry: .idempotent)
            var writes: [TileWrite] = []
            var outcomes: [(applied: Int, duplicates: Int, late: Int, accepted: [Int])] = []
            for (j, key) in pending.enumerated() {
                var tiles = AggregateTiles(layout: layout)
                let (token, liveFrom) = try Self.load(replies[2 * j], keys: wanted[j], into: &tiles, layout: layout)
                let seen = try Self.scores(replies[2 * j + 1], count: eventsOf[key]!.count, layout: layout)
                var write = TileWrite(key: key, expected: token)
                var touched = Set<AggregateTiles.Key>(), inBatch = Set<[UInt8]>()
                var outcome = (applied: 0, duplicates: 0, late: 0, accepted: [Int]())
                for (n, e) in eventsOf[key]!.enumerated() {
                    guard !seen[n], inBatch.insert(identities[e]).inserted else {
                        outcome.duplicates += 1
                        continue
                    }
                    write.identities.append(identities[e])
                    outcome.accepted.append(e)
                    if events.times[e] < nowMicros &- layout.allowedLateness {
                        outcome.late += 1
                    } else {
                        touched.formUnion(tiles.add(values: events.values[e], time: events.times[e], created: events.created[e]))
                        outcome.applied += 1
                    }
                }
                for tile in touched where layout.isLive(tile, now: nowMicros) {
                    write.set.append((layout.field(tile), tiles.encoded(tile)))
                }
                if let liveFrom {
                    write.delete = layout.deadKeys(since: liveFrom, now: nowMicros).filter { !touched.contains($0) }.map(layout.field)
                }
                write.set.append((Array(AggregateTileLayout.liveFromField.utf8), Self.encode(liveFrom: layout.liveFrom(now: nowMicros))))
                if outcome.applied > 0 {
                    write.expiry = layout.timeToLive(newest: tiles.newest, now: nowMicros).map(TileWrite.Expiry.after) ?? .never
                }
                writes.append(write)
                outcomes.append(outcome)
            }
            let stale = Set(try await send(writes, sha: sha, layout: layout, now: nowMicros))
            var next: [[UInt8]] = []
            for (j, key) in pending.enumerated() {
                if stale.contains(j) {
                    next.append(key)
                } else {
                    stats.applied += outcomes[j].applied
                    stats.duplicates += outcomes[j].duplicates
                    stats.late += outcomes[j].late
                    stats.accepted += outcomes[j].accepted
                }
            }
            pending = next
        }
        stats.accepted.sort()
        return stats
    }

    /// Sends the writes, ``AggregateWriteScript/entitiesPerCall`` per script call, in one round trip; returns the
    /// positions (in `writes`) of the entities another writer changed since they were read.
    private func send(_ writes: [TileWrite], sha: [UInt8], layout: AggregateTileLayout, now: Int64) async throws -> [Int] {
        let calls = stride(from: 0, to: writes.count, by: AggregateWriteScript.entitiesPerCall).map {
            $0..<min($0 + AggregateWriteScript.entitiesPerCall, writes.count)
        }
        let forgetBefore = (now &- layout.identityRetention) / 1000
        let identitiesExpiry = layout.identityRetention / 1000 + 1
        var pipeline = RedisPipeline()
        func append(_ call: Range<Int>, script: [UInt8]?) {
            var arguments: [[UInt8]] = script.map { [Array("EVALSHA".utf8), $0] } ?? [Array("EVAL".utf8), Array(AggregateWriteScript.source.utf8)]
            arguments.append(Array(String(call.count * 2).utf8))
            for w in call {
                arguments.append(writes[w].key)
                arguments.append(AggregateTileLayout.identityKey(writes[w].key))
            }
            arguments.append(Array(String(forgetBefore).utf8))
            let nowMilliseconds = Array(String(now / 1000).utf8)
            for w in call {
                let write = writes[w]
                arguments.append(Array(write.expected.utf8))
                switch write.expiry {
                case .keep: arguments.append([])
                case .never: arguments.append(Array("-1".utf8))
                case .after(let milliseconds): arguments.append(Array(String(milliseconds).utf8))
                }
                arguments.append(Array(String(identitiesExpiry).utf8))
                arguments.append(Array(String(write.set.count).utf8))
                arguments.append(Array(String(write.delete.count).utf8))
                arguments.append(Array(String(write.identities.count).utf8))
                for (field, value) in write.set { arguments.append(field); arguments.append(value) }
                arguments.append(contentsOf: write.delete)
                for identity in write.identities { arguments.append(identity); arguments.append(nowMilliseconds) }
            }
            pipeline.append(arguments)
        }
        for call in calls { append(call, script: sha) }
        // Resending is safe: a write that was applied bumped `_n`, so its resend comes back stale and the events
        // are then found among the applied identities.
        var replies = try await client.pipeline(pipeline, retry: .idempotent)
        let unloaded = replies.indices.filter { if case .error(let m) = replies[$0], m.hasPrefix("NOSCRIPT") { true } else { false } }
        if !unloaded.isEmpty {
            // The server lost its script cache (restart, SCRIPT FLUSH): EVAL caches it again.
            pipeline.removeAll()
            for c in unloaded { append(calls[c], script: nil) }
            for (n, reply) in try await client.pipeline(pipeline, retry: .idempotent).enumerated() { replies[unloaded[n]] = reply }
        }
        var stale: [Int] = []
        for (c, reply) in replies.enumerated() {
            switch reply {
            case .array(let positions):
                for position in positions {
                    guard case .integer(let p) = position, p >= 1, Int(p) <= calls[c].count else {
                        throw OnlineStoreError(kind: .server, view: layout.view, message: "the tile write script answered \(reply)")
                    }
                    stale.append(calls[c].lowerBound + Int(p) - 1)
                }
            case .error(let message):
                throw OnlineStoreError(kind: OnlineStoreError.kind(ofReply: message), view: layout.view, message: "Redis refused the tile write: \(message)")
            default:
                throw OnlineStoreError(kind: .server, view: layout.view, message: "the tile write script answered \(reply), not an array")
            }
        }
        return stale
    }

    static func tileKey(prefix: [UInt8], layout: AggregateTileLayout, values: [Value], row: Int) throws(OnlineStoreError) -> [UInt8] {
        guard values.count == layout.joinKeys.count else {
            throw OnlineStoreError(kind: .invalidRows, view: layout.view, row: row, message: "\(values.count) join key values given; the view's join keys are \(layout.joinKeys)")
        }
        var key = prefix
        if let null = OnlineKeyLayout.appendEntityKey(values, to: &key) {
            throw OnlineStoreError(kind: .invalidRows, view: layout.view, feature: layout.joinKeys[null], row: row, message: "an event's join key is null")
        }
        return key
    }

    /// Loads an `HMGET key _n _p tiles…` reply into `tiles`; returns the hash's `_n` (`""` when there is no hash)
    /// and its `_p` (nil when absent).
    private static func load(_ reply: RedisReply, keys: [AggregateTiles.Key], into tiles: inout AggregateTiles,
                             layout: AggregateTileLayout) throws(OnlineStoreError) -> (String, [Int64]?) {
        guard case .array(let items) = reply, items.count == keys.count + 2 else {
            if case .error(let message) = reply {
                throw OnlineStoreError(kind: OnlineStoreError.kind(ofReply: message), view: layout.view, message: "Redis refused the tile read: \(message)")
            }
            throw OnlineStoreError(kind: .server, view: layout.view, message: "HMGET answered \(reply)")
        }
        var token = ""
        if case .bytes(let value) = items[0] { token = String(decoding: value, as: UTF8.self) }
        var liveFrom: [Int64]?
        if case .bytes(let value) = items[1] { liveFrom = String(decoding: value, as: UTF8.self).split(separator: ",").compactMap { Int64($0) } }
        for (key, item) in zip(keys, items.dropFirst(2)) {
            guard case .bytes(let value) = item else { continue }
            guard value.withUnsafeBytes({ tiles.load(key, value: $0) }) else {
                throw OnlineStoreError(kind: .corruptValue, view: layout.view,
                                       message: "tile \(String(decoding: layout.field(key), as: UTF8.self)) does not decode as this view's aggregations; rematerialize the view")
            }
        }
        return (token, liveFrom)
    }

    static func encode(liveFrom: [Int64]) -> [UInt8] { Array(liveFrom.map(String.init).joined(separator: ",").utf8) }

    private static func scores(_ reply: RedisReply, count: Int, layout: AggregateTileLayout) throws(OnlineStoreError) -> [Bool] {
        guard case .array(let items) = reply, items.count == count else {
            throw OnlineStoreError(kind: .server, view: layout.view, message: "ZMSCORE answered \(reply)")
        }
        return items.map { if case .null = $0 { false } else { true } }
    }
}
