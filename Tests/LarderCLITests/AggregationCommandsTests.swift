import Definitions
import Foundation
import Larder
import LarderRegistry
import Testing

/// Aggregation views through the built binary: `list`, `describe` and `plan` read them from the registry.
/// The registered spec is the compiled definitions plus a view of this test's own, so the test does not
/// depend on which aggregation views the rides example defines.
@Suite("larder list / describe / plan with aggregation views, end to end")
struct AggregationCommandsTests {
    static let view = AggregationView(
        "test_driver_fares", entities: [driver], source: driverStatsSource,
        events: [Field("conv_rate", .float32), Field("avg_daily_trips", .int32)],
        aggregations: [
            .count("rows_1h", over: .hours(1)),
            .mean("conv_rate_mean_1d", of: "conv_rate", over: .days(1)),
            .last(3, "last3_trips", of: "avg_daily_trips", over: .lifetime),
        ],
        transform: RowTransform("clip_rates", version: 2) { _ in }, description: "Test aggregates of driver rows")

    @Test("list views and describe show a registered aggregation view; plan without it names its removal as breaking")
    func listDescribePlan() throws {
        try withTemporaryDirectory { dir in
            let home = dir + "/state"
            var spec = RepositorySpec(Definitions.repository)
            spec.aggregationViews = spec.aggregationViews.filter { $0.name != Self.view.name } + [AggregationViewSpec(Self.view)]
            _ = try Registry(home: home).apply(spec, allowBreaking: false)
            let larder = LarderBinary(workingDirectory: dir, environment: ["LARDER_HOME": home])

            let list = try larder.run("list", "views")
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout.contains("driver_stats"))
            let row = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix("test_driver_fares ") }, "\(list.stdout)")
            #expect(row.split(separator: " ", omittingEmptySubsequences: true)
                    == ["test_driver_fares", "driver", "driver_stats", "clip_rates@2", "rows_1h:count/1h", "conv_rate_mean_1d:mean/1d",
                        "last3_trips:last_k(3)/lifetime"])

            let describe = try larder.run("describe", "test_driver_fares")
            #expect(describe.status == 0, "\(describe.stderr)")
            let lines = describe.stdout.split(separator: "\n").map(String.init)
            #expect(lines.starts(with: ["aggregation view test_driver_fares (registry version 1)", "entities: driver", "source: driver_stats",
                                        "transform: clip_rates@2", "events: conv_rate (float32), avg_daily_trips (int32)",
                                        "description: Test aggregates of driver rows"]))
            let table = lines.drop { !$0.hasPrefix("AGGREGATION") }.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            #expect(table.count == 5, "\(describe.stdout)")
            #expect(table.first == ["AGGREGATION", "OPERATION", "COLUMN", "WINDOW", "HOP", "TYPE"])
            #expect(Array(table.dropFirst(2)) == [["rows_1h", "count", "-", "1h", "5m", "int64"],
                                                  ["conv_rate_mean_1d", "mean", "conv_rate", "1d", "1h", "float64"],
                                                  ["last3_trips", "last_k(3)", "avg_daily_trips", "lifetime", "-", "list<int32>"]])
            #expect(try larder.run("describe", "driver").stdout.contains("test_driver_fares"))

            // The compiled definitions lack the test's view: plan shows its removal, which apply refuses.
            let plan = try larder.run("plan")
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("- aggregation view test_driver_fares: removed: anything that reads it stops working [breaking]"),
                    "\(plan.stdout)")
            #expect(plan.stdout.contains("apply needs --allow-breaking"))
        }
    }
}
