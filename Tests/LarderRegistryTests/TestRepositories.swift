import Foundation
import Larder
import LarderRegistry

/// Builds rides-like repositories with one knob per aspect the tests vary.
struct RidesVariant {
    var driverTTL: TimeSpan? = .days(1)
    var convRateType: ValueType = .float32
    var driverFields: [Field]? = nil
    var joinKey = "driver_id"
    var transform: RowTransform? = nil
    var tags: [String: String] = ["team": "rides"]
    var description = "Hourly driver statistics"
    var serviceFeatures: [String]? = nil
    var extraViews: [FeatureView] = []
    var online = true

    var driver: Entity { Entity("driver", joinKey: joinKey) }
    let customer = Entity("customer", joinKey: "customer_id")
    let driverSource = Source.csv("driver_stats", path: "driver_stats.csv")
    let customerSource = Source.csv("customer_stats", path: "customer_stats.csv")

    var driverStats: FeatureView {
        FeatureView("driver_stats", entities: [driver], ttl: driverTTL, source: driverSource,
                    fields: driverFields ?? [Field("conv_rate", convRateType), Field("acc_rate", .float32), Field("avg_daily_trips", .int32)],
                    transform: transform, online: online, tags: tags, description: description)
    }
    var customerStats: FeatureView {
        FeatureView("customer_stats", entities: [customer], ttl: .days(2), source: customerSource,
                    fields: [Field("current_balance", .float32), Field("lifetime_trip_count", .int32)])
    }

    var repository: FeatureRepository {
        let service = serviceFeatures.map { names in
            FeatureService("rides", features: [FeatureSelection(view: driverStats, features: names)])
        } ?? FeatureService("rides", features: [driverStats.allFeatures, customerStats.allFeatures])
        return FeatureRepository(project: "rides", entities: [driver, customer],
                                 sources: [driverSource, customerSource],
                                 views: [driverStats, customerStats] + extraViews, services: [service])
    }

    var spec: RepositorySpec { RepositorySpec(repository) }
}

/// A fresh temporary directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("larder-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}
