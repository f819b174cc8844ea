import Larder
import LarderRegistry
import Testing

/// Validation of aggregation views: every issue names the view (and feature or event column), says what is
/// wrong with the specifics, and how to fix it.
@Suite("Aggregation views: validation")
struct AggregationValidationTests {
    private func issues(_ edit: (inout AggregationVariant) -> Void) -> [DefinitionIssue] {
        var variant = AggregationVariant()
        edit(&variant)
        return DefinitionValidator().validate(variant.repository)
    }

    @Test("the example validates, also when a service selects its features")
    func valid() {
        #expect(issues { _ in }.isEmpty)
        var variant = AggregationVariant()
        let base = variant.rides
        variant.events.append(Field("tip", .float32))
        let view = variant.view
        let repository = FeatureRepository(
            project: "rides", entities: [base.driver, base.customer], sources: [base.driverSource, base.customerSource, variant.trips],
            views: [base.driverStats, base.customerStats], aggregationViews: [view],
            services: [FeatureService("rides_trips", features: [base.driverStats.features("conv_rate"), view.features("trips_1h", "last3_fares")])])
        #expect(DefinitionValidator().validate(repository).isEmpty)
    }

    @Test("each rule names the view, the feature and the fix", arguments: [
        ("name of a feature view", { @Sendable (v: inout AggregationVariant) in v.name = "driver_stats" },
         "aggregation view driver_stats: the name is used by a feature view too — fix: give the aggregation view a name of its own"),
        ("name of an on-demand view", { @Sendable (v: inout AggregationVariant) in
            v.extraOnDemand = [OnDemandView("driver_trips", version: 1, request: [RequestField("distance_km", .float64)], sources: [],
                                            outputs: [Field("ratio", .float64)]) { _ in }]
        }, "aggregation view driver_trips: the name is used by an on-demand view too"),
        ("entity not in the repository", { @Sendable (v: inout AggregationVariant) in v.unlistedEntities = [Entity("rider", joinKey: "rider_id")] },
         "aggregation view driver_trips: uses entity rider, which is not in the repository's entities — fix: add rider to `entities:`"),
        ("source not in the repository", { @Sendable (v: inout AggregationVariant) in v.unlistedSource = .csv("payments", path: "payments.csv") },
         "aggregation view driver_trips: reads source payments, which is not in the repository's sources — fix: add payments to `sources:`"),
        ("undeclared column", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.sum("tips_1d", of: "tip", over: .days(1))) },
         "aggregation driver_trips.tips_1d: reads column tip, which is not one of the view's events (fare, rating, payment, dropoff) — fix: declare it in `events:`, e.g. Field(\"tip\", .float64)"),
        ("count with a column", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(Aggregation("fares_1h", .count, of: "fare", over: .hours(1))) },
         "aggregation driver_trips.fares_1h: count takes no column, but names fare — fix: drop the column"),
        ("sum without a column", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(Aggregation("total", .sum, of: nil, over: .hours(1))) },
         "aggregation driver_trips.total: sum needs an event column, but names none — fix: name the column it aggregates, one of: fare, rating, payment, dropoff"),
        ("sum of a string", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.sum("payment_sum", of: "payment", over: .hours(1))) },
         "aggregation driver_trips.payment_sum: sum does not apply to payment, which is string — fix: sum takes int32, int64, float32 or float64"),
        ("mean of a timestamp", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.mean("dropoff_mean", of: "dropoff", over: .hours(1))) },
         "aggregation driver_trips.dropoff_mean: mean does not apply to dropoff, which is timestamp"),
        ("max of a bool", { @Sendable (v: inout AggregationVariant) in
            v.events.append(Field("cash", .bool))
            v.aggregations.append(.max("cash_max", of: "cash", over: .hours(1)))
        }, "aggregation driver_trips.cash_max: max does not apply to cash, which is bool — fix: max takes int32, int64, float32, float64, timestamp or string"),
        ("k of 0", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.last(0, "last0", of: "fare", over: .days(1))) },
         "aggregation driver_trips.last0: last_k has k = 0, outside 1...100 — fix: keep between 1 and 100 values"),
        ("k of 101", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.last(101, "last101", of: "fare", over: .days(1))) },
         "aggregation driver_trips.last101: last_k has k = 101, outside 1...100"),
        ("empty window", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.count("never", over: .span(.zero))) },
         "aggregation driver_trips.never: window is 0s, which holds no events — fix: use a positive window such as .hours(1), or .lifetime"),
        ("negative window", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.count("before", over: .span(.hours(-1)))) },
         "aggregation driver_trips.before: window is -1h, which holds no events"),
        ("zero hop", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.count("still", over: .hours(1), hop: .zero)) },
         "aggregation driver_trips.still: hop is 0s, which never moves the window — fix: use a positive hop that divides the window 1h"),
        ("hop not dividing the window", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.count("odd", over: .hours(1), hop: .minutes(7))) },
         "aggregation driver_trips.odd: hop 7m does not divide the window 1h — fix: set hop: to a divisor of 1h, such as 5m"),
        ("default hop not dividing the window", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.count("trips_7m", over: .minutes(7))) },
         "aggregation driver_trips.trips_7m: hop 5m (the default for this window) does not divide the window 7m — fix: set hop: to a divisor of 7m, such as 1m"),
        ("hop on a lifetime window", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.count("all", over: .lifetime, hop: .hours(1))) },
         "aggregation driver_trips.all: a lifetime window has no hop, but hop is 1h — fix: remove hop:"),
        ("feature declared twice", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.count("trips_1h", over: .hours(2))) },
         "aggregation driver_trips.trips_1h: is declared twice — fix: give each aggregation of driver_trips a name of its own"),
        ("feature named like a join key", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.last("customer_id", of: "payment", over: .lifetime)) },
         "aggregation driver_trips.customer_id: has the name of a join key"),
        ("feature named event_timestamp", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.last("event_timestamp", of: "dropoff", over: .lifetime)) },
         "aggregation driver_trips.event_timestamp: uses a reserved column name"),
        ("feature named created", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.count("created", over: .lifetime)) },
         "aggregation driver_trips.created: uses a reserved column name"),
        ("event column declared twice", { @Sendable (v: inout AggregationVariant) in v.events.append(Field("fare", .float32)) },
         "event column driver_trips.fare: is declared twice — fix: remove one of them from `events:`"),
        ("no aggregations", { @Sendable (v: inout AggregationVariant) in v.aggregations = [] },
         "aggregation view driver_trips: the view has no aggregations"),
        ("invalid feature name", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.count("trips-1h", over: .hours(1))) },
         "aggregation driver_trips.trips-1h: \"trips-1h\" is not a valid name"),
    ] as [(String, @Sendable (inout AggregationVariant) -> Void, String)])
    func invalid(name: String, edit: @Sendable (inout AggregationVariant) -> Void, expected: String) {
        let found = issues(edit)
        #expect(found.contains { $0.description.hasPrefix(expected) }, "\(name): \(found.map(\.description))")
    }

    @Test("two aggregation views of one name are reported once")
    func duplicateViews() {
        var variant = AggregationVariant()
        let base = variant.rides
        variant.events = [Field("fare", .float64)]
        variant.aggregations = [.count("trips_1h", over: .hours(1))]
        let view = variant.view
        let repository = FeatureRepository(project: "rides", entities: [base.driver], sources: [variant.trips], views: [],
                                           aggregationViews: [view, view, view], services: [])
        #expect(DefinitionValidator().validate(repository).map(\.description)
                == ["aggregation view driver_trips: the name is used by more than one aggregation view — fix: give each aggregation view a unique name"])
    }
}
