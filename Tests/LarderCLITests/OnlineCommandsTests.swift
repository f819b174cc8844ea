import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderOnline
import LarderRegistry
import LarderTestSupport
import Testing

/// `larder materialize` into Redis and `larder lookup`, end to end with the built binary and the rides
/// demo data, checked against the offline store the same job wrote.
@Suite("larder materialize (online) / lookup, end to end")
struct OnlineCommandsTests {
    /// The CLI writes under the project name ("rides") in a Redis database of its own: database 5 of the
    /// private test server, which no other test uses, so nothing else can read or overwrite these keys.
    static let database = 5

    /// The newest stored row of every entity of a view: greatest event time, ties broken by the
    /// greatest `created` (a late correction replaces the row it corrects).
    static func latestRows(of batch: ColumnBatch, joinKey: String) throws -> [Int64: Int] {
        let keys = try #require(batch.column(named: joinKey)).int64Values
        let events = try #require(batch.column(named: "event_timestamp")).timestampMicros
        let created = try #require(batch.column(named: "created")).timestampMicros
        var latest: [Int64: Int] = [:]
        for row in 0..<batch.rowCount {
            guard let best = latest[keys[row]] else {
                latest[keys[row]] = row
                continue
            }
            if (events[row], created[row]) > (events[best], created[best]) { latest[keys[row]] = row }
        }
        return latest
    }

    @Test("after materializing all the rides data, every driver's and customer's online value is its latest offline value")
    func onlineEqualsLatestOffline() async throws {
        let redis = (text: try PrivateRedis.text(database: Self.database), url: try PrivateRedis.url(database: Self.database))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("larder-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let larder = LarderBinary(workingDirectory: dir, environment: [
            "LARDER_DATA": dir + "/data", "LARDER_HOME": dir + "/state", "LARDER_REDIS_URL": redis.text,
        ])
        // Seven days ending at the current hour, so the newest values are inside both views' ttl.
        let start = Timestamp.now().startOfHour.adding(.days(-7))
        let data = try larder.run("demo-data", "--scale", "XS", "--start", start.iso8601(fractionalDigits: 0), "data")
        try #require(data.status == 0, "\(data.stderr)")
        let apply = try larder.run("apply")
        try #require(apply.status == 0, "\(apply.stderr)")

        let registry = try Registry(home: dir + "/state")
        let spec = try #require(try registry.latest()).spec
        #expect(spec.project == "rides")
        let client = RedisClient(url: redis.url, options: .init(connections: 1))
        defer { client.shutdown() }
        let store = RedisOnlineStore(client: client)
        let lookup = OnlineLookup(spec: spec, store: store)
        let views = [(name: "driver_stats", joinKey: "driver_id", entities: 100), (name: "customer_stats", joinKey: "customer_id", entities: 50)]

        // The never-older rule would keep rows a previous run against this server left behind.
        var stale: [[UInt8]] = [Array("DEL".utf8)]
        for view in views {
            let layout = lookup.layout(of: try #require(spec.view(view.name)))
            let ids: [Int64] = view.joinKey == "driver_id" ? Array(1000..<1100) : Array(1...50)
            for id in ids { stale.append(try OnlineKeyLayout.key(prefix: store.keyPrefix, layout: layout, entityKey: [.int64(id)])) }
        }
        try await client.command(stale, retry: .never)

        let materialized = try larder.run("materialize", "--start", start.adding(.days(-1)).iso8601(fractionalDigits: 0),
                                          "--end", start.adding(.days(8)).iso8601(fractionalDigits: 0))
        try #require(materialized.status == 0, "\(materialized.stderr)")

        let offline = try OfflineStore(home: dir + "/state", database: registry.database)
        var correctedLatest = 0
        for view in views {
            let viewSpec = try #require(spec.view(view.name))
            let features = viewSpec.fields.map(\.name)
            let batch = try #require(try offline.read(view: view.name, columns: nil), "nothing stored offline for \(view.name)")
            let latest = try Self.latestRows(of: batch, joinKey: view.joinKey)
            #expect(latest.count == view.entities, "\(view.name): one latest row per entity")
            let ids = latest.keys.sorted()
            let served = try await store.read(lookup.layout(of: viewSpec), features: features,
                                              entityKeys: ids.map { [.int64($0)] }, now: .now())
            try #require(served.count == ids.count)
            let events = try #require(batch.column(named: "event_timestamp")).timestampMicros
            for (id, online) in zip(ids, served) {
                let row = latest[id]!
                let expected = try features.map { try #require(batch.column(named: $0)).value(at: row) }
                #expect(online.statuses == Array(repeating: .present, count: features.count), "\(view.name) \(view.joinKey)=\(id)")
                #expect(online.values == expected, "\(view.name) \(view.joinKey)=\(id): online \(online.values), latest offline \(expected)")
                #expect(online.eventTime == Timestamp(microsecondsSinceEpoch: events[row]), "\(view.name) \(view.joinKey)=\(id)")
            }
            if view.name == "driver_stats" {
                let keys = batch.column(named: "driver_id")!.int64Values
                correctedLatest = latest.values.filter { best in
                    (0..<batch.rowCount).contains { $0 != best && keys[$0] == keys[best] && events[$0] == events[best] }
                }.count
            }
        }
        // Late corrections share the event time of the row they correct; some fall on a driver's newest
        // hour in this (seeded, deterministic) data, so the created-time tie-break decided those values.
        #expect(correctedLatest > 0, "no driver's newest row has a correction: the tie-break is not exercised")

        let table = try larder.run("lookup", "--service", "rides", "--entity", "driver_id=1000", "--entity", "customer_id=1")
        try #require(table.status == 0, "\(table.stderr)")
        let printed = Dictionary(table.stdout.split(separator: "\n").dropFirst(2).map { line in
            let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            return (cells[0], Array(cells.dropFirst()))
        }, uniquingKeysWith: { first, _ in first })
        for view in views {
            let batch = try #require(try offline.read(view: view.name, columns: nil))
            let row = try #require(try Self.latestRows(of: batch, joinKey: view.joinKey)[view.joinKey == "driver_id" ? 1000 : 1])
            let eventTime = Timestamp(microsecondsSinceEpoch: batch.column(named: "event_timestamp")!.timestampMicros[row])
            // The rides service's features of the view (driver_stats' quality is served by rides_plus only).
            let served = try #require(spec.service("rides")).features.filter { $0.view == view.name }.map(\.feature)
            for feature in served {
                let value = try #require(batch.column(named: feature)).value(at: row)
                #expect(printed[feature] == [value.description, "PRESENT", eventTime.iso8601(fractionalDigits: 0)],
                        "\(feature) in:\n\(table.stdout)")
            }
        }
        #expect(printed.count == 8, "driver_id, customer_id and the rides service's 6 features:\n\(table.stdout)")
    }
}
