import Foundation
import Larder
import LarderColumnar
import LarderOnline
import LarderParquet
import LarderTestSupport
import Testing

/// The rides example's on-demand `trip_request` through the built binary: `larder lookup` and `larder
/// training-set` of `rides_plus` compute the same values, and a missing `distance_km` is a clear error.
@Suite("larder lookup / training-set with on-demand features, end to end")
struct OnDemandCommandsTests {
    /// A Redis database of this suite's own on the private test server (project "rides" keys).
    static let database = 14

    @Test("lookup and training-set of rides_plus agree on trip_request's values; without distance_km both fail naming it")
    func lookupEqualsTrainingSet() async throws {
        let redis = (text: try PrivateRedis.text(database: Self.database), url: try PrivateRedis.url(database: Self.database))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("larder-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let larder = LarderBinary(workingDirectory: dir, environment: [
            "LARDER_DATA": dir + "/data", "LARDER_HOME": dir + "/state", "LARDER_REDIS_URL": redis.text,
        ])
        let client = RedisClient(url: redis.url, options: .init(connections: 1))
        defer { client.shutdown() }
        try await client.command([Array("FLUSHDB".utf8)], retry: .never)
        let start = Timestamp.now().startOfHour.adding(.days(-7))
        for arguments in [["demo-data", "--scale", "XS", "--start", start.iso8601(fractionalDigits: 0), "data"], ["apply"],
                          ["materialize", "--start", start.adding(.days(-1)).iso8601(fractionalDigits: 0),
                           "--end", start.adding(.days(8)).iso8601(fractionalDigits: 0)]] {
            let run = try larder.run(arguments)
            try #require(run.status == 0, "larder \(arguments.joined(separator: " ")): \(run.stderr)")
        }

        let missing = try larder.run("lookup", "--service", "rides_plus", "--entity", "driver_id=1000", "--entity", "customer_id=1")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("request field distance_km (float64) of on-demand view trip_request is missing"), "\(missing.stderr)")
        let noColumn = try larder.run("training-set", "--entities", "data/orders.parquet", "--service", "rides_plus", "--out", "t.parquet")
        #expect(noColumn.status != 0)
        #expect(noColumn.stderr.contains("entity file data/orders.parquet has no distance_km column"), "\(noColumn.stderr)")

        // Entity rows at the current time: a fresh driver, a distance under the 0.1 km floor, a driver that does not exist.
        let now = Timestamp.now().iso8601(fractionalDigits: 0)
        let rows: [(driver: Int64, customer: Int64, distance: String)] = [(1000, 1, "3.2"), (1001, 2, "0.05"), (99_999, 3, "12.5")]
        let csv = "driver_id,customer_id,event_timestamp,distance_km\n" + rows.map { "\($0.driver),\($0.customer),\(now),\($0.distance)\n" }.joined()
        try csv.write(toFile: dir + "/requests.csv", atomically: true, encoding: .utf8)
        let built = try larder.run("training-set", "--entities", "requests.csv", "--service", "rides_plus", "--out", "train.parquet")
        try #require(built.status == 0, "\(built.stderr)")
        let training = try ParquetFile.read(dir + "/train.parquet")
        for (row, entity) in rows.enumerated() {
            // The table prints values as Value.description (Swift's shortest round-trip form), read back exactly.
            let lookup = try larder.run("lookup", "--service", "rides_plus", "--entity", "driver_id=\(entity.driver)",
                                        "--entity", "customer_id=\(entity.customer)", "--request", "distance_km=\(entity.distance)")
            try #require(lookup.status == 0, "\(lookup.stderr)")
            let printed = Dictionary(lookup.stdout.split(separator: "\n").dropFirst(2).map { line in
                let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                return (cells[0], cells.count > 1 ? cells[1] : "")
            }, uniquingKeysWith: { first, _ in first })
            for feature in ["expected_trips_per_km", "balance_after_fare", "avg_daily_trips", "current_balance"] {
                let trained = try #require(training.column(named: feature)).value(at: row)
                #expect(printed[feature] == trained.description, "row \(row) \(feature): lookup \(printed[feature] ?? "-"), training set \(trained)\n\(lookup.stdout)")
            }
            if entity.driver == 99_999 {
                #expect(training.column(named: "expected_trips_per_km")!.isNull(row), "a driver not found gives null")
            } else {
                #expect(!training.column(named: "expected_trips_per_km")!.isNull(row))
            }
        }
    }
}
