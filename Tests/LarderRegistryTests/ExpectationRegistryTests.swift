import Foundation
import Larder
import LarderRegistry
import Testing

@Suite("Expectations in the registry: spec, validation, diff")
struct ExpectationRegistryTests {
    static let driver = Entity("driver", joinKey: "driver_id")
    static let source = Source.csv("driver_stats", path: "driver_stats.csv")

    static func repository(_ expectations: [QualityExpectation]) -> FeatureRepository {
        let view = FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: source,
                               fields: [Field("conv_rate", .float32), Field("trips", .int32), Field("payment", .string)],
                               expectations: expectations)
        return FeatureRepository(project: "rides", entities: [driver], sources: [source], views: [view],
                                 services: [FeatureService("rides", features: [view.allFeatures])])
    }

    static let all: [QualityExpectation] = [
        .notNull("conv_rate"), .between("conv_rate", 0, 1, severity: .warn), .atLeast("trips", 0), .inSet("payment", ["card", "cash"]),
        .inSet("trips", [1, 2, 3]), .uniquePerEntityAndTime, .mean("conv_rate", between: 0.1, 0.9), .stddev("conv_rate", between: 0, 0.5),
        .rowCount(between: 1, 1_000_000), .rowCount(atLeast: 10, severity: .warn), .maxStaleness(.hours(2)),
    ]

    @Test("every kind round-trips through the spec, the canonical JSON and the registry")
    func roundTrip() throws {
        let spec = RepositorySpec(Self.repository(Self.all))
        #expect(spec.views[0].expectations.compactMap(\.expectation) == Self.all)
        #expect(spec.views[0].expectations.map(\.name) == Self.all.map(\.description))
        let decoded = try JSONDecoder().decode(RepositorySpec.self, from: Data(try Registry.canonicalJSON(spec).utf8))
        #expect(decoded == spec)
        try withTemporaryDirectory { home in
            let registry = try Registry(home: home)
            _ = try registry.apply(spec, allowBreaking: false)
            #expect(try registry.latest()?.spec.views[0].expectations == spec.views[0].expectations)
            guard case .unchanged = try registry.apply(spec, allowBreaking: false) else {
                Issue.record("the same expectations were stored as a new version")
                return
            }
        }
    }

    @Test("a view without expectations writes no expectations key, so its content hash is unchanged")
    func absentWhenEmpty() throws {
        let json = try Registry.canonicalJSON(RepositorySpec(Self.repository([])))
        #expect(!json.contains("expectations"))
        #expect(try Registry.canonicalJSON(RepositorySpec(Self.repository([.notNull("trips")]))).contains(#""expectations":[{"#))
        let before = try JSONDecoder().decode(RepositorySpec.self, from: Data(RegisteredBeforeAggregations.canonicalJSON.utf8))
        #expect(try Registry.contentHash(before) == RegisteredBeforeAggregations.contentHash)
    }

    @Test("plan shows added, removed and changed expectations as compatible changes")
    func diff() {
        let old = RepositorySpec(Self.repository([.between("conv_rate", 0, 1), .notNull("trips"), .maxStaleness(.hours(2))]))
        let new = RepositorySpec(Self.repository([.between("conv_rate", 0, 2, severity: .warn), .maxStaleness(.hours(2)),
                                                  .inSet("payment", ["card"])]))
        let changes = RegistryDiff(from: old, to: new).changes
        #expect(changes.map(\.description) == [
            "~ view driver_stats: expectation added: in_set(payment, [\"card\"]) [fail]; checked from the next job on [compatible]",
            "~ view driver_stats: expectation removed: not_null(trips) [fail] [compatible]",
            "~ view driver_stats: expectation changed from between(conv_rate, 0, 1) [fail] to between(conv_rate, 0, 2) [warn] [compatible]",
        ])
        #expect(RegistryDiff(from: old, to: new).breaking.isEmpty)
        let severityOnly = RepositorySpec(Self.repository([.between("conv_rate", 0, 1, severity: .warn), .notNull("trips"),
                                                           .maxStaleness(.hours(2))]))
        #expect(RegistryDiff(from: old, to: severityOnly).changes.map(\.reason)
                == ["expectation changed from between(conv_rate, 0, 1) [fail] to between(conv_rate, 0, 1) [warn]"])
        #expect(RegistryDiff(from: old, to: old).isEmpty)
    }

    @Test("validation names the view and field: unknown field, wrong type, inverted or infinite bounds, empty set, duplicates")
    func validation() {
        let issues = DefinitionValidator().validate(Self.repository([
            .notNull("conv_rte"), .between("payment", 0, 1), .between("conv_rate", 1, 0), .atMost("trips", .infinity),
            .inSet("payment", [1, 2]), .inSet("trips", ["a"]), .inSet("payment", [String]()), .rowCount(between: 5, 1),
            .maxStaleness(.zero), .stddev("conv_rate", between: -2, -1), .notNull("trips"), .notNull("trips"),
        ]))
        #expect(issues.allSatisfy { $0.kind == "expectation" })
        #expect(issues.map(\.description) == [
            "expectation driver_stats.conv_rte: not_null(conv_rte): conv_rte is not a field or join key of view driver_stats — fix: name one of driver_id, conv_rate, trips, payment",
            "expectation driver_stats.payment: between(payment, 0, 1): payment is string, but between needs a numeric field (int32, int64, float32, float64) — fix: check a numeric field, or use .inSet / .notNull for a string",
            "expectation driver_stats.conv_rate: between(conv_rate, 1, 0): the bounds are inverted (1 > 0) — fix: write the lower bound first",
            "expectation driver_stats.trips: between(trips, -inf, inf): bound inf is not a finite number — fix: leave the bound out (.atLeast / .atMost) for an open side",
            "expectation driver_stats.payment: in_set(payment, [1, 2]): payment is string, but the set holds integers — fix: list string values, or check an int32/int64 field",
            "expectation driver_stats.trips: in_set(trips, [\"a\"]): trips is int32, but the set holds strings — fix: list int32 values, or check a string field",
            "expectation driver_stats.payment: in_set(payment, []): the set is empty, so every non-null value fails — fix: list the allowed values",
            "expectation driver_stats: row_count(5, 1): the bounds are inverted (5 > 1) — fix: write the lower bound first",
            "expectation driver_stats: max_staleness(0s): the staleness 0s is not positive — fix: use a positive span such as .hours(2)",
            "expectation driver_stats.conv_rate: stddev(conv_rate, -2, -1): a standard deviation is never negative — fix: use bounds of 0 or more",
            "expectation driver_stats.trips: not_null(trips): is declared twice — fix: remove one of them (results are recorded by the expectation's name)",
        ])
        #expect(DefinitionValidator().validate(Self.repository(Self.all)).isEmpty)
    }
}
