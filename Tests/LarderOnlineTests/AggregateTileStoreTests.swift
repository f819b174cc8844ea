import Larder
import LarderOnline
import LarderRegistry
import Testing

/// Tiles in a real Redis (the private server of `make test`): values read at `now` equal a direct computation
/// by the window rule, whether the tiles were built by a batch run, by pushes in any split, or by both; retried
/// pushes are not counted twice; late events are left to the batch run; a lookup reads one key per entity.
@Suite("Aggregate tiles in Redis")
struct AggregateTileStoreTests {
    static let hour: Int64 = 3_600_000_000
    static let driver = Entity("driver", joinKey: "driver_id", type: .int64)
    static let events = [Field("fare", .float64), Field("rating", .int32), Field("payment", .string)]
    static let aggregations: [Aggregation] = [
        .count("trips_1h", over: .hours(1)),
        .count("trips_24h", over: .hours(24)),
        .sum("fare_sum_24h", of: "fare", over: .hours(24)),
        .mean("fare_avg_7d", of: "fare", over: .days(7)),
        .max("fare_max_7d", of: "fare", over: .days(7)),
        .min("rating_min_7d", of: "rating", over: .days(7)),
        .stddev("fare_std_7d", of: "fare", over: .days(7)),
        .sum("rating_sum_2h", of: "rating", over: .hours(2), hop: .minutes(30)),
        .last("last_payment", of: "payment", over: .lifetime),
        .count("trips_ever", over: .lifetime),
    ]

    static func repository(_ project: String) -> FeatureRepository {
        let source = Source.parquet("trips", path: "trips.parquet", eventTimestamp: "event_timestamp", created: "created")
        let view = AggregationView("driver_trips", entities: [driver], source: source, events: events, aggregations: aggregations)
        return FeatureRepository(project: project, entities: [driver], sources: [source], views: [], aggregationViews: [view],
                                 services: [FeatureService("trips", features: [view.allFeatures])])
    }

    /// Seeded events over 10 days for a few drivers, with ties, nulls and events on hop boundaries.
    static func randomEvents(seed: UInt64, count: Int, end: Int64) -> AggregateEvents {
        var random = SplitMix64(seed: seed)
        var events = AggregateEvents()
        for _ in 0..<count {
            let driver = Int64(random.next() % 5) + 1
            var time = end - Int64(random.next() % UInt64(10 * 24 * hour))
            if random.next() % 8 == 0 { time -= time % hour }
            let fare: Value = random.next() % 6 == 0 ? .null : .float64(Double(random.next() % 10_000) / 100)
            let rating: Value = random.next() % 5 == 0 ? .null : .int32(Int32(random.next() % 5) + 1)
            let payment: Value = .string(["card", "cash", "wallet"][Int(random.next() % 3)])
            events.append(entityKey: [.int64(driver)], time: time, created: time + Int64(random.next() % 1000), values: [fare, rating, payment])
        }
        return events
    }

    /// Each driver's aggregates at `now` computed straight from the events by the rule.
    static func direct(_ events: AggregateEvents, driver: Int64, now: Int64) -> [Value] {
        aggregations.map { aggregation in
            var state = AggregateState(aggregation.operation)
            let start = aggregation.windowStart(at: now) ?? .min
            let column = aggregation.column.flatMap { name in Self.events.firstIndex { $0.name == name } }
            for e in 0..<events.count where events.entityKeys[e] == [.int64(driver)] && events.times[e] >= start && events.times[e] < now {
                state.add(column.map { events.values[e][$0] } ?? .null, time: events.times[e], created: events.created[e])
            }
            return state.result
        }
    }

    static func lookup(_ store: RedisOnlineStore, repository: FeatureRepository, now: Int64) async throws -> OnlineLookup.Result {
        let lookup = OnlineLookup(spec: RepositorySpec(repository), store: store)
        return try await lookup.run(OnlineLookup.Query(features: .service("trips"), entities: [("driver_id", (1...6).map { .int64($0) })]),
                                    now: Timestamp(microsecondsSinceEpoch: now))
    }

    static func expectMatches(_ result: OnlineLookup.Result, _ events: AggregateEvents, now: Int64, sourceLocation: SourceLocation = #_sourceLocation) {
        for driver in 1...6 {
            let expected = direct(events, driver: Int64(driver), now: now)
            for (a, value) in expected.enumerated() {
                let got = result.value(column: 1 + a, row: driver - 1)
                let close: Bool = switch (got, value) {
                case (.float64(let x), .float64(let y)): abs(x - y) <= 1e-9 * max(1, abs(y))
                default: got == value
                }
                #expect(close, "driver \(driver), \(aggregations[a].name): online \(got), direct \(value)", sourceLocation: sourceLocation)
                #expect(result.status(column: 1 + a, row: driver - 1) == (value.isNull ? .nullValue : .present), sourceLocation: sourceLocation)
            }
        }
    }

    static func layout(_ repository: FeatureRepository) throws -> AggregateTileLayout {
        let spec = RepositorySpec(repository)
        return try AggregateTileLayout(spec: spec.aggregationViews[0], joinKeys: ["driver_id"], project: spec.project)
    }

    @Test("a batch run's tiles read at now equal the direct computation, for every aggregation and driver (6: no events)")
    func batchTilesEqualDirect() async throws {
        let project = uniqueName("tiles"), repository = Self.repository(project)
        let store = RedisOnlineStore(client: try makeClient(), keyPrefix: project)
        defer { store.client.shutdown() }
        let now: Int64 = 1_767_225_600_000_000 + 17 * Self.hour + 123
        let events = Self.randomEvents(seed: 7, count: 600, end: now)
        #expect(try await store.replaceTiles(try Self.layout(repository), events: events, now: Timestamp(microsecondsSinceEpoch: now)) == 5)
        for later in [now, now + 1, now + Self.hour / 2, now + 26 * Self.hour] {
            Self.expectMatches(try await Self.lookup(store, repository: repository, now: later), events, now: later)
        }
    }

    @Test("pushes in any split, retried, equal one batch run; a retry applies nothing twice")
    func pushesEqualBatch() async throws {
        let project = uniqueName("push"), repository = Self.repository(project)
        let store = RedisOnlineStore(client: try makeClient(connections: 3), keyPrefix: project)
        defer { store.client.shutdown() }
        let layout = try Self.layout(repository)
        let now: Int64 = 1_767_225_600_000_000 + 5 * Self.hour
        // Pushed events are recent (inside the allowed lateness) and arrive in shuffled, overlapping batches.
        var events = AggregateEvents()
        var random = SplitMix64(seed: 11)
        for e in 0..<300 {
            let time = now - Int64(random.next() % UInt64(4 * 60 * 1_000_000)) - 1
            events.append(entityKey: [.int64(Int64(e % 4) + 1)], time: time, created: time,
                          values: [.float64(Double(e % 17)), e % 3 == 0 ? .null : .int32(Int32(e % 5)), .string("p\(e % 4)")])
        }
        var order = Array(0..<events.count)
        order.shuffle(using: &random)
        var applied = 0
        let pushed = events
        let batches = stride(from: 0, to: order.count, by: 37).map { Array(order[$0..<min($0 + 37, order.count)]) }
        try await withThrowingTaskGroup(of: AggregatePushStats.self) { group in
            for batch in batches {
                group.addTask {
                    var part = AggregateEvents()
                    for e in batch { part.append(entityKey: pushed.entityKeys[e], time: pushed.times[e], created: pushed.created[e], values: pushed.values[e]) }
                    return try await store.pushEvents(layout, events: part, now: Timestamp(microsecondsSinceEpoch: now))
                }
            }
            for try await stats in group { applied += stats.applied }
        }
        #expect(applied == events.count)
        // A retry of every batch: all duplicates, nothing applied, nothing accepted for the offline store.
        for batch in batches.prefix(3) {
            var part = AggregateEvents()
            for e in batch { part.append(entityKey: events.entityKeys[e], time: events.times[e], created: events.created[e], values: events.values[e]) }
            let retry = try await store.pushEvents(layout, events: part, now: Timestamp(microsecondsSinceEpoch: now))
            #expect(retry.applied == 0 && retry.duplicates == batch.count && retry.accepted.isEmpty)
        }
        Self.expectMatches(try await Self.lookup(store, repository: repository, now: now), events, now: now)
    }

    @Test("events later than the allowed lateness are accepted for the offline store but not applied online; the batch run counts them")
    func lateEvents() async throws {
        let project = uniqueName("late"), repository = Self.repository(project)
        let store = RedisOnlineStore(client: try makeClient(), keyPrefix: project)
        defer { store.client.shutdown() }
        let layout = try Self.layout(repository)
        let now: Int64 = 1_767_225_600_000_000
        var events = AggregateEvents()
        events.append(entityKey: [.int64(1)], time: now - 60_000_000, created: now, values: [.float64(10), .int32(4), .string("card")])
        events.append(entityKey: [.int64(1)], time: now - 3_600_000_000, created: now, values: [.float64(99), .int32(1), .string("cash")])
        let stats = try await store.pushEvents(layout, events: events, now: Timestamp(microsecondsSinceEpoch: now))
        #expect(stats.applied == 1 && stats.late == 1 && stats.accepted == [0, 1])
        let online = try await Self.lookup(store, repository: repository, now: now)
        #expect(online.value(column: 2, row: 0) == .int64(1))       // trips_24h: only the on-time event
        #expect(online.value(column: 3, row: 0) == .float64(10))     // fare_sum_24h
        // The batch run rebuilds the tiles from every stored event, the late one included.
        try await store.replaceTiles(layout, events: events, now: Timestamp(microsecondsSinceEpoch: now))
        Self.expectMatches(try await Self.lookup(store, repository: repository, now: now), events, now: now)
        #expect(try await Self.lookup(store, repository: repository, now: now).value(column: 2, row: 0) == .int64(2))
    }

    @Test("a lookup reads one key (one HMGET) per entity row and aggregation view, in one round trip, whatever the windows")
    func boundedReads() async throws {
        let project = uniqueName("bound"), repository = Self.repository(project)
        let store = RedisOnlineStore(client: try makeClient(connections: 1), keyPrefix: project)
        defer { store.client.shutdown() }
        let now: Int64 = 1_767_225_600_000_000
        try await store.replaceTiles(try Self.layout(repository), events: Self.randomEvents(seed: 3, count: 2_000, end: now),
                                     now: Timestamp(microsecondsSinceEpoch: now))
        // What the lookup sends: one HMGET per driver, nothing else.
        let lookup = OnlineLookup(spec: RepositorySpec(repository), store: store)
        let prepared = try lookup.prepare(OnlineLookup.Query(features: .service("trips"), entities: [("driver_id", (1...6).map { .int64($0) })]),
                                          now: Timestamp(microsecondsSinceEpoch: now))
        #expect(prepared.commandNames == Array(repeating: "HMGET", count: 6))
        let before = try await Self.hmgetCalls(store.client)
        _ = try await Self.lookup(store, repository: repository, now: now)
        let after = try await Self.hmgetCalls(store.client)
        // Other suites share the server, so the count can only grow by more, never by less.
        #expect(after - before >= 6)
        // The one key holds a bounded number of tiles: per hop and tile length its longest window's tiles plus the
        // current one (5-minute hops over 1 h: 14 + 5 quarters + 2 hours; hourly over 7 d: 169 + 29 six-hours + 8
        // days; half-hourly over 2 h: 5 + 3 hours), the lifetime tile, the write counter and the live-from marker.
        let reply = try await store.client.command(["HLEN", "\(project):\(project):driver_trips:i1"].map(bytes))
        guard case .integer(let fields) = reply else { Issue.record("HLEN answered \(reply)"); return }
        #expect(fields > 100 && fields <= (14 + 5 + 2) + (170 + 29 + 8) + (5 + 3) + 1 + 2)
    }

    @Test("pushes delete the tiles no window can read any more, and keep the key's expiry when they apply nothing")
    func pushesPruneDeadTiles() async throws {
        let project = uniqueName("prune"), repository = Self.repository(project)
        let store = RedisOnlineStore(client: try makeClient(), keyPrefix: project)
        defer { store.client.shutdown() }
        let layout = try Self.layout(repository)
        let key = "\(project):\(project):driver_trips:i1"
        var now: Int64 = 1_767_225_600_000_000
        var all = AggregateEvents()
        for day in 0..<10 {
            var events = AggregateEvents()
            for k in 0..<3 {
                let time = now - Int64(k) * 60_000_000 - 1
                events.append(entityKey: [.int64(1)], time: time, created: time, values: [.float64(Double(day)), .int32(Int32(k + 1)), .string("card")])
                all.append(entityKey: [.int64(1)], time: time, created: time, values: [.float64(Double(day)), .int32(Int32(k + 1)), .string("card")])
            }
            #expect(try await store.pushEvents(layout, events: events, now: Timestamp(microsecondsSinceEpoch: now)).applied == 3)
            Self.expectMatches(try await Self.lookup(store, repository: repository, now: now), all, now: now)
            now += 24 * Self.hour + 7 * 60_000_000
        }
        // Ten days of pushes, one a day: the 7-day windows keep 8 days of hour, 6-hour and day tiles; the 1-hour and
        // 2-hour windows only today's.
        let reply = try await store.client.command(["HLEN", key].map(bytes))
        guard case .integer(let fields) = reply else { Issue.record("HLEN answered \(reply)"); return }
        #expect(fields <= 6 + 8 * 3 + 4 + 1 + 2, "dead tiles are deleted: \(fields) fields")
        #expect(fields >= 8)
        // The view has a lifetime aggregation, so its hashes never expire.
        #expect(try await store.client.command(["PTTL", key].map(bytes)) == .integer(-1))
    }

    @Test("a hash expires once no window needs it, counted from its newest event; a retried push that applies nothing keeps that expiry")
    func expiryKeptByEmptyWrites() async throws {
        let project = uniqueName("expiry")
        let source = Source.parquet("trips", path: "trips.parquet", eventTimestamp: "event_timestamp", created: "created")
        let view = AggregationView("driver_trips", entities: [Self.driver], source: source, events: Self.events,
                                   aggregations: [.count("trips_1h", over: .hours(1))])
        let spec = RepositorySpec(FeatureRepository(project: project, entities: [Self.driver], sources: [source], views: [],
                                                    aggregationViews: [view], services: []))
        let layout = try AggregateTileLayout(spec: spec.aggregationViews[0], joinKeys: ["driver_id"], project: project)
        let store = RedisOnlineStore(client: try makeClient(), keyPrefix: project)
        defer { store.client.shutdown() }
        let now = Timestamp.now().microsecondsSinceEpoch
        var events = AggregateEvents()
        events.append(entityKey: [.int64(1)], time: now - 60_000_000, created: now, values: [.float64(1), .int32(1), .string("card")])
        #expect(try await store.pushEvents(layout, events: events, now: Timestamp(microsecondsSinceEpoch: now)).applied == 1)
        let key = "\(project):\(project):driver_trips:i1"
        func ttl() async throws -> Int64 {
            guard case .integer(let milliseconds) = try await store.client.command(["PTTL", key].map(bytes)) else { return -3 }
            return milliseconds
        }
        // 1 h window + 2 hops of 5 min after the event, a minute ago: about 69 minutes.
        let first = try await ttl()
        #expect(first > 68 * 60_000 && first <= 70 * 60_000, "\(first) ms")
        let retry = try await store.pushEvents(layout, events: events, now: Timestamp(microsecondsSinceEpoch: now + 1_000_000))
        #expect(retry.applied == 0 && retry.duplicates == 1)
        let after = try await ttl()
        #expect(after > 68 * 60_000 && after <= first, "a write that applies nothing leaves the expiry as it was: \(after) ms")
    }

    @Test("a batch run leaves out events at or after its now: a later lookup's current tile holds only the past")
    func batchLeavesOutFutureEvents() async throws {
        let project = uniqueName("future"), repository = Self.repository(project)
        let store = RedisOnlineStore(client: try makeClient(), keyPrefix: project)
        defer { store.client.shutdown() }
        let now: Int64 = 1_767_225_600_000_000 + 10 * Self.hour
        var events = AggregateEvents()
        events.append(entityKey: [.int64(1)], time: now - 60_000_000, created: now, values: [.float64(1), .int32(1), .string("card")])
        events.append(entityKey: [.int64(1)], time: now, created: now, values: [.float64(2), .int32(2), .string("cash")])
        events.append(entityKey: [.int64(1)], time: now + 600_000_000, created: now, values: [.float64(3), .int32(3), .string("wallet")])
        try await store.replaceTiles(try Self.layout(repository), events: events, now: Timestamp(microsecondsSinceEpoch: now))
        let later = try await Self.lookup(store, repository: repository, now: now + 1_200_000_000)
        #expect(later.value(column: 1, row: 0) == .int64(1))          // trips_1h: only the event before the run's now
        #expect(later.value(column: 9, row: 0) == .string("card"))    // last_payment
    }

    static func hmgetCalls(_ client: RedisClient) async throws -> Int {
        let reply = try await client.command(["INFO", "commandstats"].map(bytes))
        guard case .bytes(let text) = reply else { return 0 }
        for line in String(decoding: text, as: UTF8.self).split(whereSeparator: \.isNewline) where line.hasPrefix("cmdstat_hmget:") {
            if let calls = line.split(separator: ",").first?.split(separator: "=").last, let n = Int(calls) { return n }
        }
        return 0
    }
}
