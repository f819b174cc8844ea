import Foundation
import Larder
import LarderRegistry
import Testing

@Suite("Scheduled aggregation views")
struct AggregationScheduleTests {
    @Test("the schedule and allowed lateness are registered, carried by the events view, and changing them is compatible")
    func scheduleAndLateness() throws {
        var variant = AggregationVariant()
        variant.schedule = .every(.minutes(15))
        variant.allowedLateness = .hours(2)
        let spec = try #require(variant.spec.aggregationViews.first)
        #expect(spec.schedule == Schedule.every(.minutes(15)).description)
        #expect(spec.allowedLatenessMicroseconds == TimeSpan.hours(2).microseconds)
        let decoded = try JSONDecoder().decode(AggregationViewSpec.self, from: JSONEncoder().encode(spec))
        #expect(decoded == spec)
        #expect(variant.view.eventsView.schedule?.description == spec.schedule)
        #expect(variant.view.eventsView.allowedLateness == .hours(2))
        #expect(variant.view.eventsView.online == false && variant.view.eventsView.offline)

        var hourly = variant
        hourly.schedule = .every(.hours(1))
        hourly.allowedLateness = nil
        let changes = RegistryDiff(from: variant.spec, to: hourly.spec).changes.filter { $0.kind == "aggregation view" }
        #expect(changes.map(\.reason).sorted() == ["allowed lateness changed to none", "schedule changed to \(Schedule.every(.hours(1)).description)"])
        #expect(changes.allSatisfy { $0.impact == .compatible })
    }

    @Test("a view without a schedule stores none: its encoding has no schedule key, so older registries' hashes hold")
    func noScheduleKey() throws {
        let spec = try #require(AggregationVariant().spec.aggregationViews.first)
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        #expect(!json.contains("schedule") && !json.contains("allowedLateness"))
    }
}
