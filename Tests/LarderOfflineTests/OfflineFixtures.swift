import Foundation
import Larder
import LarderColumnar
import LarderRegistry
import LarderSources

/// A temporary state directory and data directory with a small driver source in CSV.
struct OfflineFixture {
    let root: String
    var home: String { root + "/state" }
    var data: String { root + "/data" }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("larder-offline-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `data/<name>` with the given lines.
    func write(_ name: String, _ lines: [String]) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: data + "/" + name, atomically: true, encoding: .utf8)
    }

    static let driver = Entity("driver", joinKey: "driver_id")
    static let source = Source.csv("drivers", path: "drivers.csv")

    static func view(transform: RowTransform? = nil, fields: [Field]? = nil, ttl: TimeSpan? = .days(1)) -> FeatureView {
        FeatureView("driver_stats", entities: [driver], ttl: ttl, source: source,
                    fields: fields ?? [Field("conv_rate", .float32), Field("trips", .int32, nullable: false)], transform: transform)
    }

    static func repository(_ view: FeatureView) -> FeatureRepository {
        FeatureRepository(project: "t", entities: [driver], sources: [view.source], views: [view],
                          services: [FeatureService("s", features: [view.allFeatures])])
    }

    /// Driver rows: one per (driver, hour) over `hours` hours from 2026-01-01, conv_rate = hour / 100.
    func writeDrivers(drivers: Int = 3, hours: Int = 48, extra: [String] = []) throws {
        var lines = ["driver_id,event_timestamp,created,conv_rate,trips"]
        for d in 0..<drivers {
            for h in 0..<hours {
                let t = Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000 + Int64(h) * 3_600_000_000 + Int64(d) * 1_000_000)
                lines.append("\(1000 + d),\(t),\(t.adding(.minutes(1))),\(Double(h) / 100),\(h)")
            }
        }
        try write("drivers.csv", lines + extra)
    }
}

func ts(_ text: String) -> Timestamp { try! Timestamp(parsing: text) }

extension OfflineFixture {
    /// Stored rows of ``view(transform:fields:ttl:)``'s schema (driver_id, event_timestamp, created, conv_rate,
    /// trips), as a push would commit them: created one second after the event.
    static func storedRows(_ view: FeatureView, drivers: [Int64], times: [Timestamp], rate: Float = 0.5) throws -> ColumnBatch {
        let micros = times.map(\.microsecondsSinceEpoch)
        return try ColumnBatch(schema: ViewRowBuilder.storedSchema(of: view), columns: [
            Column(int64: drivers), Column(timestampMicros: micros), Column(timestampMicros: micros.map { $0 + 1_000_000 }),
            Column(float32: Array(repeating: rate, count: drivers.count)), Column(int32: drivers.map { Int32($0 % 1000) }),
        ])
    }

    /// Each stored row as text, with how many times the store holds it.
    static func multiset(_ batch: ColumnBatch?) -> [String: Int] {
        guard let batch else { return [:] }
        var counts: [String: Int] = [:]
        for row in 0..<batch.rowCount {
            let text = (0..<batch.schema.count).map { batch.value(row: row, column: $0).description }.joined(separator: "|")
            counts[text, default: 0] += 1
        }
        return counts
    }
}
