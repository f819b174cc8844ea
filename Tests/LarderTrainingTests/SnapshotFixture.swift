import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderRegistry
import LarderTraining

/// A state directory with a registry database and one saved snapshot shaped like the rides one:
/// `order_id`, `driver_id`, `customer_id`, `event_timestamp`, `trip_completed` (label), `tip` (an entity
/// column, not a feature), and the features `conv_rate` (float32, 10 % null), `avg_daily_trips` (int32)
/// and `segment` (string, 5 % null) from views `drivers` and `customers`.
struct SnapshotFixture {
    let home: String
    let registry: Registry
    let snapshots: SnapshotStore
    let batch: ColumnBatch
    static let lineage = ["drivers:conv_rate", "drivers:avg_daily_trips", "customers:segment"]

    /// - Parameters:
    ///   - nullLabels: rows whose label is null.
    ///   - conversionColumn: the column name of `drivers:conv_rate` (`drivers__conv_rate` for full names).
    init(rows n: Int = 2_000, seed: UInt64 = 1, name: String = "rides_test", nullLabels: Set<Int> = [],
         conversionColumn: String = "conv_rate") throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("larder-training-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        registry = try Registry(home: home)
        snapshots = try SnapshotStore(home: home, database: registry.database)
        batch = try Self.makeBatch(rows: n, seed: seed, nullLabels: nullLabels, conversionColumn: conversionColumn)
        let entityFile = home + "/orders.csv"
        _ = FileManager.default.createFile(atPath: entityFile, contents: Data("order_id\n".utf8))
        _ = try snapshots.save(name: name, batch: batch,
                               lineage: .init(registryVersion: 3, features: Self.lineage, intervals: [:], entityFile: entityFile))
    }

    static func makeBatch(rows n: Int, seed: UInt64, nullLabels: Set<Int>, conversionColumn: String) throws -> ColumnBatch {
        var random = TestRandom(seed: seed)
        var rate: [Float] = [], rateValid: [Bool] = [], trips: [Int32] = [], segment: [String?] = []
        var labels: [Int32] = [], times: [Int64] = [], tips: [Double] = []
        let segments = ["gold", "silver", "bronze"]
        for _ in 0..<n {
            let r = Float(random.uniform()), t = Int32(random.int(40)), s = random.int(3)
            rateValid.append(!random.chance(0.1))
            rate.append(r)
            trips.append(t)
            segment.append(random.chance(0.05) ? nil : segments[s])
            let z = 4 * (Double(r) - 0.5) + 0.05 * (Double(t) - 20) + (s == 0 ? 0.7 : 0)
            labels.append(random.chance(sigmoidForTests(z)) ? 1 : 0)
            times.append(1_767_225_600_000_000 + Int64(random.int(30 * 86_400)) * 1_000_000)
            tips.append(random.uniform(0...10))
        }
        let labelValidity = nullLabels.isEmpty ? nil : Bitmap((0..<n).map { !nullLabels.contains($0) })
        let schema = Schema([
            SchemaField(name: "order_id", type: .int64), SchemaField(name: "driver_id", type: .int64),
            SchemaField(name: "customer_id", type: .int64), SchemaField(name: "event_timestamp", type: .timestamp),
            SchemaField(name: "trip_completed", type: .int32), SchemaField(name: "tip", type: .float64),
            SchemaField(name: conversionColumn, type: .float32), SchemaField(name: "avg_daily_trips", type: .int32),
            SchemaField(name: "segment", type: .string),
        ])
        return try ColumnBatch(schema: schema, columns: [
            Column(int64: (0..<n).map { Int64($0) }), Column(int64: (0..<n).map { Int64(1000 + $0 % 50) }),
            Column(int64: (0..<n).map { Int64($0 % 70) }), Column(timestampMicros: times),
            Column(int32: labels, validity: labelValidity), Column(float64: tips),
            Column(float32: rate, validity: Bitmap(rateValid)), Column(int32: trips), Column(strings: segment),
        ])
    }

    func tearDown() { try? FileManager.default.removeItem(atPath: home) }
}
