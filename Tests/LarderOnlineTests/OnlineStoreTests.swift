import Larder
import LarderOnline
import Testing

private let allTypes: [(name: String, type: ValueType)] = [
    ("f_bool", .bool), ("f_int32", .int32), ("f_int64", .int64), ("f_float32", .float32),
    ("f_float64", .float64), ("f_string", .string), ("f_bytes", .bytes), ("f_timestamp", .timestamp),
]

private func layout(_ project: String, view: String = "stats", joinKeys: [String] = ["id"],
                    features: [(name: String, type: ValueType)] = allTypes,
                    ttl: TimeSpan? = nil, keyExpiry: Bool = false) -> OnlineViewLayout {
    OnlineViewLayout(project: project, view: view, joinKeys: joinKeys, features: features, ttl: ttl, keyExpiry: keyExpiry)
}

private func t(_ seconds: Int64) -> Timestamp { Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000 + seconds * 1_000_000) }

private func randomValue(_ type: ValueType, using g: inout SplitMix64) -> Value {
    if Int.random(in: 0..<6, using: &g) == 0 { return .null }
    switch type {
    case .bool: return .bool(Bool.random(using: &g))
    case .int32: return .int32([Int32.min, Int32.max, 0, -1, Int32.random(in: .min ... .max, using: &g)].randomElement(using: &g)!)
    case .int64: return .int64([Int64.min, Int64.max, 0, Int64.random(in: .min ... .max, using: &g)].randomElement(using: &g)!)
    case .float32: return .float32([Float.nan, .infinity, -0.0, .leastNonzeroMagnitude, Float(bitPattern: UInt32.random(in: 0 ... .max, using: &g))].randomElement(using: &g)!)
    case .float64: return .float64([Double.nan, -.infinity, -0.0, .greatestFiniteMagnitude, Double(bitPattern: g.next())].randomElement(using: &g)!)
    case .string: return .string(["", "é✓ 𝄞", "a\u{0}b", "line\r\nbreak", String(repeating: "x", count: Int.random(in: 0..<300, using: &g))].randomElement(using: &g)!)
    case .bytes: return .bytes((0..<Int.random(in: 0..<40, using: &g)).map { _ in UInt8.random(in: 0 ... 255, using: &g) })
    case .timestamp: return .timestamp(Timestamp(microsecondsSinceEpoch: Int64.random(in: -62_135_596_800_000_000 ... 253_402_300_799_999_999, using: &g)))
    }
}

@Suite("RedisOnlineStore against the private server")
struct OnlineStoreTests {
    @Test func everyTypeAndNullRoundTripsExactly() async throws {
        let store = RedisOnlineStore(client: try makeClient())
        let view = layout(uniqueName("types"))
        var g = SplitMix64(seed: 42)
        for iteration in 0..<20 {
            let count = Int.random(in: 1...60, using: &g)
            let keys: [[Value]] = (0..<count).map { [.int64(Int64(iteration * 1000 + $0))] }
            let values: [[Value]] = (0..<count).map { _ in allTypes.map { randomValue($0.type, using: &g) } }
            let times = (0..<count).map { _ in t(Int64(iteration)) }
            let rows = try OnlineRows(layout: view, entityKeys: keys, eventTimes: times, featureValues: values)
            let stats = try await store.write(view, rows: rows)
            #expect(stats.rows == count && stats.written == count && stats.skipped == 0)
            // Two round trips only when a parallel test's SCRIPT FLUSH forced the EVAL fallback.
            #expect((1...2).contains(stats.roundTrips))
            let read = try await store.read(view, features: allTypes.map(\.name), entityKeys: keys, now: t(Int64(iteration)))
            #expect(read.count == count)
            for (row, served) in read.enumerated() {
                #expect(served.eventTime == t(Int64(iteration)))
                for (f, value) in served.values.enumerated() {
                    let written = values[row][f]
                    #expect(bitwiseEqual(value, written), "row \(row) feature \(allTypes[f].name): wrote \(written), read \(value)")
                    #expect(served.statuses[f] == (written.isNull ? .nullValue : .present))
                }
            }
        }
    }

    @Test func compositeAndTypedEntityKeys() async throws {
        let store = RedisOnlineStore(client: try makeClient())
        let view = layout(uniqueName("keys"), joinKeys: ["customer", "region", "flag"], features: [("score", .float64)])
        let keys: [[Value]] = [
            [.int64(1), .string("eu|west"), .bool(true)],
            [.int64(1), .string("eu"), .bool(true)],
            [.int64(-7), .string(""), .bool(false)],
            [.int64(1), .string("eu|west"), .bool(false)],
        ]
        try await store.write(view, rows: OnlineRows(layout: view, entityKeys: keys, eventTimes: keys.map { _ in t(0) },
                                                     featureValues: (0..<keys.count).map { [.float64(Double($0))] }))
        // int32 and int64 spell the same key; a row order different from the write's is fine.
        let read = try await store.read(view, features: ["score"], entityKeys: [
            [.int32(-7), .string(""), .bool(false)], keys[3], keys[0], keys[1], [.int64(2), .string("eu"), .bool(true)],
        ], now: t(0))
        #expect(read.map { $0.values[0] } == [.float64(2), .float64(3), .float64(0), .float64(1), .null])
        #expect(read[4].statuses == [.notFound])
        #expect(read[4].eventTime == nil)
    }

    @Test func ttlStatusesAtAndPastTheBoundary() async throws {
        let store = RedisOnlineStore(client: try makeClient())
        let view = layout(uniqueName("ttl"), features: [("a", .int64), ("b", .string)], ttl: .hours(1))
        let rows = OnlineRows(entityKeys: [.int64([1, 2])], eventTimes: [t(0), t(0)],
                              features: [.int64([10, 20]), .string(["x", "y"], validity: [true, false])])
        try await store.write(view, rows: rows)
        let keys: [[Value]] = [[.int64(1)], [.int64(2)], [.int64(3)]]
        let fresh = try await store.read(view, features: ["a", "b"], entityKeys: keys, now: t(1800))
        #expect(fresh[0] == OnlineFeatureRow(values: [.int64(10), .string("x")], statuses: [.present, .present], eventTime: t(0)))
        #expect(fresh[1] == OnlineFeatureRow(values: [.int64(20), .null], statuses: [.present, .nullValue], eventTime: t(0)))
        #expect(fresh[2] == OnlineFeatureRow(values: [.null, .null], statuses: [.notFound, .notFound], eventTime: nil))
        // Exactly now − ttl is still served; one microsecond later it is outside the max age.
        let edge = try await store.read(view, features: ["a"], entityKeys: [[.int64(1)]], now: t(3600))
        #expect(edge[0].statuses == [.present])
        let stale = try await store.read(view, features: ["b", "a"], entityKeys: keys,
                                         now: t(3600).adding(TimeSpan(microseconds: 1)))
        #expect(stale[0] == OnlineFeatureRow(values: [.null, .null], statuses: [.outsideMaxAge, .outsideMaxAge], eventTime: t(0)))
        #expect(stale[1].statuses == [.outsideMaxAge, .outsideMaxAge])
        #expect(stale[2].statuses == [.notFound, .notFound])
        // A zero ttl means no max age.
        let forever = layout(view.project, features: [("a", .int64), ("b", .string)], ttl: .zero)
        let old = try await store.read(forever, features: ["a"], entityKeys: [[.int64(1)]], now: t(86_400 * 365))
        #expect(old[0].statuses == [.present])
    }

    @Test func keyExpiryFollowsEventTimePlusTTL() async throws {
        let client = try makeClient()
        let store = RedisOnlineStore(client: client)
        let project = uniqueName("expiry")
        let expiring = layout(project, view: "exp", features: [("a", .int64)], ttl: .hours(1), keyExpiry: true)
        let now = Timestamp.now()
        try await store.write(expiring, rows: OnlineRows(entityKeys: [.int64([1])], eventTimes: [now], features: [.int64([5])]))
        let key = try OnlineKeyLayout.key(prefix: "larder", layout: expiring, entityKey: [.int64(1)])
        let pttl = try #require(try await client.command([bytes("PTTL"), key]).integer)
        #expect(pttl > 3_500_000 && pttl <= 3_600_001, "PTTL \(pttl) should be about one hour")
        // A row already past its ttl expires at once instead of occupying memory.
        try await store.write(expiring, rows: OnlineRows(entityKeys: [.int64([2])], eventTimes: [now.adding(.hours(-2))], features: [.int64([6])]))
        let gone = try await store.read(expiring, features: ["a"], entityKeys: [[.int64(2)]], now: now)
        #expect(gone[0].statuses == [.notFound])
        // Without keyExpiry there is no Redis expiry.
        let kept = layout(project, view: "kept", features: [("a", .int64)], ttl: .hours(1), keyExpiry: false)
        try await store.write(kept, rows: OnlineRows(entityKeys: [.int64([1])], eventTimes: [now], features: [.int64([5])]))
        let keptKey = try OnlineKeyLayout.key(prefix: "larder", layout: kept, entityKey: [.int64(1)])
        #expect(try await client.command([bytes("PTTL"), keptKey]) == .integer(-1))
    }

    @Test func olderWritesNeverReplaceNewerOnesAndTiesGoToCreated() async throws {
        let store = RedisOnlineStore(client: try makeClient())
        let view = layout(uniqueName("order"), features: [("v", .int64), ("note", .string)])
        func write(_ event: Int64, created: Int64, v: Int64, note: String?) async throws -> OnlineWriteStats {
            try await store.write(view, rows: OnlineRows(entityKeys: [.int64([1])], eventTimes: [t(event)], createdTimes: [t(created)],
                                                         features: [.int64([v]), .string([note ?? ""], validity: [note != nil])]))
        }
        #expect(try await write(10, created: 0, v: 1, note: "first").written == 1)
        #expect(try await write(5, created: 99, v: 2, note: "older").skipped == 1)
        #expect(try await write(10, created: 0, v: 3, note: "same version").skipped == 1)
        #expect(try await write(10, created: 1, v: 4, note: nil).written == 1)
        let read = try await store.read(view, features: ["v", "note"], entityKeys: [[.int64(1)]], now: t(10))
        // The newer write's null replaced the older "first": no stale field shows through.
        #expect(read[0] == OnlineFeatureRow(values: [.int64(4), .null], statuses: [.present, .nullValue], eventTime: t(10)))

        // Several versions of one key in one write (one script call): the newest stays.
        let mixed = OnlineRows(entityKeys: [.int64([2, 2, 2, 2])], eventTimes: [t(1), t(3), t(2), t(3)],
                               createdTimes: [t(0), t(0), t(9), t(0)],
                               features: [.int64([1, 3, 2, 33]), .string(["a", "c", "b", "dup"])])
        let stats = try await store.write(view, rows: mixed)
        #expect(stats == OnlineWriteStats(rows: 4, written: 2, skipped: 2, roundTrips: stats.roundTrips))
        let two = try await store.read(view, features: ["v", "note"], entityKeys: [[.int64(2)]], now: t(3))
        #expect(two[0].values == [.int64(3), .string("c")])
    }

    @Test func concurrentShuffledWritersLeaveTheNewestVersion() async throws {
        let store = RedisOnlineStore(client: try makeClient(connections: 4), writeChunkSize: 7)
        let view = layout(uniqueName("race"), features: [("version", .int64), ("created", .int64)])
        let entities = 25
        let versions = 40
        // Versions alternate between new event times and created-time tie-breaks of the same event time.
        let all: [(entity: Int64, event: Int64, created: Int64)] = (0..<entities).flatMap { e in
            (0..<versions).map { v in (Int64(e), Int64(v / 2), Int64(v % 2)) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    var g = SplitMix64(seed: UInt64(writer) &* 7919 &+ 1)
                    var mine = all.shuffled(using: &g)
                    while !mine.isEmpty {
                        let n = min(mine.count, Int.random(in: 1...50, using: &g))
                        let batch = mine.suffix(n)
                        mine.removeLast(n)
                        let rows = OnlineRows(entityKeys: [.int64(batch.map(\.entity))], eventTimes: batch.map { t($0.event) },
                                              createdTimes: batch.map { t($0.created) },
                                              features: [.int64(batch.map { $0.event * 2 + $0.created }), .int64(batch.map(\.created))])
                        try await store.write(view, rows: rows)
                    }
                }
            }
            try await group.waitForAll()
        }
        let read = try await store.read(view, features: ["version", "created"], entityKeys: (0..<entities).map { [.int64(Int64($0))] }, now: t(0))
        for row in read {
            #expect(row.values == [.int64(Int64(versions - 1)), .int64(1)])
            #expect(row.eventTime == t(Int64((versions - 1) / 2)))
        }
    }

    @Test func writesAreIdempotentAndSurviveAScriptCacheFlush() async throws {
        let client = try makeClient()
        let store = RedisOnlineStore(client: client)
        let view = layout(uniqueName("flush"), features: [("a", .int64)])
        let rows = OnlineRows(entityKeys: [.int64(Array(0..<30))], eventTimes: Array(repeating: t(1), count: 30),
                              features: [.int64(Array(100..<130))])
        #expect(try await store.write(view, rows: rows).written == 30)
        #expect(try await store.write(view, rows: rows).skipped == 30)
        _ = try await client.command("SCRIPT", "FLUSH", retry: .never)
        let newer = OnlineRows(entityKeys: [.int64(Array(0..<30))], eventTimes: Array(repeating: t(2), count: 30),
                               features: [.int64(Array(200..<230))])
        let stats = try await store.write(view, rows: newer)
        #expect(stats.written == 30)
        #expect(stats.roundTrips >= 1)
        let read = try await store.read(view, features: ["a"], entityKeys: [[.int64(29)]], now: t(2))
        #expect(read[0].values == [.int64(229)])
    }

    @Test func severalViewsInOneRoundTrip() async throws {
        let client = try makeClient(connections: 1)
        let store = RedisOnlineStore(client: client)
        let project = uniqueName("multi")
        let drivers = layout(project, view: "drivers", joinKeys: ["driver"], features: [("rate", .float32), ("trips", .int32)])
        let zones = layout(project, view: "zones", joinKeys: ["zone"], features: [("demand", .float64)], ttl: .minutes(5))
        try await store.write(drivers, rows: OnlineRows(entityKeys: [.int64([1, 2])], eventTimes: [t(0), t(0)],
                                                        features: [.float32([0.25, 0.5]), .int32([3, 4])]))
        try await store.write(zones, rows: OnlineRows(entityKeys: [.string(["north"])], eventTimes: [t(0)], features: [.float64([9.5])]))
        let result = try await store.read([
            OnlineReadRequest(layout: drivers, features: ["trips", "rate"], entityKeys: [[.int64(2)], [.int64(1)], [.int64(3)]]),
            OnlineReadRequest(layout: zones, features: ["demand"], entityKeys: []),
            OnlineReadRequest(layout: zones, features: ["demand"], entityKeys: [[.string("north")], [.string("south")]]),
        ], now: t(60))
        #expect(result.count == 3)
        #expect(result[0].map(\.values) == [[.int32(4), .float32(0.5)], [.int32(3), .float32(0.25)], [.null, .null]])
        #expect(result[1].isEmpty)
        #expect(result[2].map(\.statuses) == [[.present], [.notFound]])
        #expect(result[2][0].values == [.float64(9.5)])
    }

    @Test func readErrorsNameTheViewAndFeature() async throws {
        let client = try makeClient()
        let store = RedisOnlineStore(client: client)
        let view = layout(uniqueName("errors"), features: [("a", .int64)])
        await #expect(throws: OnlineStoreError.self) {
            _ = try await store.read(view, features: ["nope"], entityKeys: [[.int64(1)]], now: t(0))
        }
        do {
            _ = try await store.read(view, features: ["a"], entityKeys: [[.null]], now: t(0))
            Issue.record("a null join key cannot be read")
        } catch let error as OnlineStoreError {
            #expect(error.kind == .invalidRows)
            #expect(error.feature == "id")
        }
        // The stored bytes no longer match the declared type (int64 written, now declared bool).
        try await store.write(view, rows: OnlineRows(entityKeys: [.int64([1])], eventTimes: [t(0)], features: [.int64([7])]))
        let changed = layout(view.project, features: [("a", .bool)])
        do {
            _ = try await store.read(changed, features: ["a"], entityKeys: [[.int64(1)]], now: t(0))
            Issue.record("8 bytes cannot decode as a bool")
        } catch let error as OnlineStoreError {
            #expect(error.kind == .corruptValue)
            #expect(error.feature == "a")
            #expect(error.description.contains("rematerialize"))
        }
        // A key of the wrong Redis type: Redis' own message comes through.
        let key = try OnlineKeyLayout.key(prefix: "larder", layout: view, entityKey: [.int64(2)])
        _ = try await client.command([bytes("SET"), key, bytes("not a hash")])
        do {
            _ = try await store.read(view, features: ["a"], entityKeys: [[.int64(2)]], now: t(0))
            Issue.record("HMGET on a string must fail")
        } catch let error as OnlineStoreError {
            #expect(error.kind == .server)
            #expect(error.message.contains("WRONGTYPE"))
        }
    }

    @Test func writeValidationRejectsMismatchedRows() async throws {
        let store = RedisOnlineStore(client: try makeClient())
        let view = layout(uniqueName("validate"), features: [("a", .int64)])
        let wrongType = OnlineRows(entityKeys: [.int64([1])], eventTimes: [t(0)], features: [.string(["x"])])
        await #expect(throws: OnlineStoreError.self) { try await store.write(view, rows: wrongType) }
        let short = OnlineRows(entityKeys: [.int64([1, 2])], eventTimes: [t(0)], features: [.int64([1])])
        await #expect(throws: OnlineStoreError.self) { try await store.write(view, rows: short) }
        let nullKey = OnlineRows(entityKeys: [.int64([1], validity: [false])], eventTimes: [t(0)], features: [.int64([1])])
        await #expect(throws: OnlineStoreError.self) { try await store.write(view, rows: nullKey) }
        let badName = OnlineViewLayout(project: "a:b", view: "v", joinKeys: ["id"], features: [("a", .int64)], ttl: nil, keyExpiry: false)
        await #expect(throws: OnlineStoreError.self) {
            try await store.write(badName, rows: OnlineRows(entityKeys: [.int64([1])], eventTimes: [t(0)], features: [.int64([1])]))
        }
        #expect(throws: OnlineStoreError.self) {
            _ = try OnlineRows(layout: view, entityKeys: [[.int64(1)]], eventTimes: [t(0)], featureValues: [[.string("x")]])
        }
    }
}
