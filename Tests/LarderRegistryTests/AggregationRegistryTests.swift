import Foundation
import Larder
@testable import LarderRegistry
import Testing

/// Aggregation views in the registry: their spec, its JSON and the content hash of definitions without
/// them, how `plan` classes their changes, and schema migration 6.
@Suite("Aggregation views: registry spec, diff and migration")
struct AggregationRegistryTests {
    @Test("the spec records stable operation names, windows and effective hops in microseconds, and the transform identity")
    func spec() throws {
        var variant = AggregationVariant()
        variant.transform = RowTransform("clean_fares", version: 2) { _ in }
        let spec = try #require(variant.spec.aggregationView("driver_trips"))
        #expect(spec.entities == ["driver"])
        #expect(spec.source == "trips")
        #expect(spec.transform == "clean_fares@2")
        #expect(spec.events.map { "\($0.name):\($0.type)" } == ["fare:float64", "rating:int32", "payment:string", "dropoff:timestamp"])
        let hour: Int64 = 3_600_000_000
        #expect(spec.aggregations == [
            AggregationSpec(name: "trips_1h", operation: "count", column: nil, windowMicroseconds: hour, hopMicroseconds: 300_000_000),
            AggregationSpec(name: "fare_sum_24h", operation: "sum", column: "fare", windowMicroseconds: 24 * hour, hopMicroseconds: hour),
            AggregationSpec(name: "rating_min_7d", operation: "min", column: "rating", windowMicroseconds: 168 * hour, hopMicroseconds: hour),
            AggregationSpec(name: "last_payment", operation: "last", column: "payment", windowMicroseconds: nil, hopMicroseconds: nil),
            AggregationSpec(name: "last3_fares", operation: "last_k", k: 3, column: "fare", windowMicroseconds: 168 * hour, hopMicroseconds: 6 * hour),
        ])
        #expect(spec.tags == ["team": "rides"] && spec.owner == "rides@example.com" && spec.description == "Trips per driver over sliding windows")
        #expect(AggregationViewSpec(AggregationVariant().view).transform == nil)
    }

    @Test("the spec gives each feature the type the definitions give it")
    func outputTypes() throws {
        let view = AggregationVariant().view
        let spec = AggregationViewSpec(view)
        #expect(spec.aggregations.map { spec.outputType(of: $0)?.description }
                == ["int64", "float64", "int32", "string", "list<float64>"])
        for (aggregation, registered) in zip(view.aggregations, spec.aggregations) {
            #expect(spec.outputType(of: registered) == view.outputType(of: aggregation))
            #expect(registered.parsedOperation == aggregation.operation)
        }
        var unknown = spec.aggregations[0]
        unknown.operation = "median"
        #expect(unknown.parsedOperation == nil && spec.outputType(of: unknown) == nil)
    }

    @Test("the spec survives JSON and the registry unchanged")
    func roundTrip() throws {
        let spec = AggregationVariant().spec
        let json = try Registry.canonicalJSON(spec)
        #expect(json.contains(#""aggregationViews":[{"#))
        #expect(json.contains(#""operation":"last_k""#) && json.contains(#""k":3"#))
        #expect(try JSONDecoder().decode(RepositorySpec.self, from: Data(json.utf8)) == spec)
        try withTemporaryDirectory { home in
            let registry = try Registry(home: home)
            _ = try registry.apply(spec, allowBreaking: false)
            #expect(try registry.latest()?.spec == spec)
            #expect(try registry.latest()?.contentHash == Registry.contentHash(spec))
        }
    }

    @Test("definitions without aggregation views keep their canonical JSON and content hash; older specs decode as none")
    func contentHashWithoutAggregations() throws {
        // The rides example as the larder before aggregation views registered it: same bytes, same hash.
        let registered = try JSONDecoder().decode(RepositorySpec.self, from: Data(RegisteredBeforeAggregations.canonicalJSON.utf8))
        #expect(registered.aggregationViews == [])
        #expect(!registered.onDemandViews.isEmpty, "the fixture should cover the other optional key")
        #expect(try Registry.canonicalJSON(registered) == RegisteredBeforeAggregations.canonicalJSON)
        #expect(try Registry.contentHash(registered) == RegisteredBeforeAggregations.contentHash)
        let json = try Registry.canonicalJSON(RidesVariant().spec)
        #expect(!json.contains("aggregationViews"))
    }

    private func changes(_ edit: (inout AggregationVariant) -> Void) -> [RegistryDiff.Change] {
        var edited = AggregationVariant()
        edit(&edited)
        return RegistryDiff(from: AggregationVariant().spec, to: edited.spec).changes.filter { $0.kind == "aggregation view" }
    }

    @Test("a new aggregation view is a compatible addition; removing it breaks")
    func addedAndRemoved() {
        let added = RegistryDiff(from: RidesVariant().spec, to: AggregationVariant().spec).changes.filter { $0.kind != "source" }
        #expect(added.map(\.description) == ["+ aggregation view driver_trips: new aggregation view [compatible]"])
        var without = AggregationVariant().spec
        without.aggregationViews = []
        let removed = RegistryDiff(from: AggregationVariant().spec, to: without).changes
        #expect(removed.map(\.description) == ["- aggregation view driver_trips: removed: anything that reads it stops working [breaking]"])
        #expect(RegistryDiff(from: nil, to: AggregationVariant().spec).changes.contains {
            $0.kind == "aggregation view" && $0.action == .added && $0.impact == .compatible
        })
    }

    @Test("changes to what is aggregated and how are breaking, naming old and new", arguments: [
        ("window", { @Sendable (v: inout AggregationVariant) in v.aggregations[1] = .sum("fare_sum_24h", of: "fare", over: .hours(12)) },
         "aggregation fare_sum_24h changed window from 1d to 12h"),
        ("hop", { @Sendable (v: inout AggregationVariant) in v.aggregations[0] = .count("trips_1h", over: .hours(1), hop: .minutes(1)) },
         "aggregation trips_1h changed hop from 5m to 1m"),
        ("window to lifetime", { @Sendable (v: inout AggregationVariant) in v.aggregations[0] = .count("trips_1h", over: .lifetime) },
         "aggregation trips_1h changed window from 1h to lifetime, hop from 5m to none"),
        ("operation", { @Sendable (v: inout AggregationVariant) in v.aggregations[1] = .mean("fare_sum_24h", of: "fare", over: .hours(24)) },
         "aggregation fare_sum_24h changed operation from sum to mean"),
        ("k", { @Sendable (v: inout AggregationVariant) in v.aggregations[4] = .last(5, "last3_fares", of: "fare", over: .days(7), hop: .hours(6)) },
         "aggregation last3_fares changed operation from last_k(3) to last_k(5)"),
        ("column", { @Sendable (v: inout AggregationVariant) in v.aggregations[2] = .min("rating_min_7d", of: "fare", over: .days(7)) },
         "aggregation rating_min_7d changed column from rating to fare"),
        ("entities", { @Sendable (v: inout AggregationVariant) in v.useCustomer = true }, "entities changed from [driver] to [customer]"),
        ("source", { @Sendable (v: inout AggregationVariant) in v.useDriverSource = true }, "source changed from trips to driver_stats"),
        ("event type", { @Sendable (v: inout AggregationVariant) in v.events[1] = Field("rating", .int64) },
         "event column rating changed type from int32 to int64"),
        ("transform", { @Sendable (v: inout AggregationVariant) in v.transform = RowTransform("clean_fares", version: 1) { _ in } },
         "transform changed from none to clean_fares@1"),
        ("aggregation removed", { @Sendable (v: inout AggregationVariant) in v.aggregations.removeLast() },
         "aggregation last3_fares removed"),
    ] as [(String, @Sendable (inout AggregationVariant) -> Void, String)])
    func breaking(name: String, edit: @Sendable (inout AggregationVariant) -> Void, reason: String) throws {
        let found = changes(edit)
        #expect(found.count == 1, "\(name): \(found)")
        let change = try #require(found.first { $0.reason.contains(reason) }, "\(name): \(found)")
        #expect(change.impact == .breaking, "\(name)")
        #expect(change.name == "driver_trips" && change.action == .changed)
    }

    @Test("metadata, a new aggregation and a new event column are compatible", arguments: [
        ("description", { @Sendable (v: inout AggregationVariant) in v.description = "other words" }, "~ aggregation view driver_trips: description changed [compatible]"),
        ("tags", { @Sendable (v: inout AggregationVariant) in v.tags = [:] }, "~ aggregation view driver_trips: tags changed [compatible]"),
        ("owner", { @Sendable (v: inout AggregationVariant) in v.owner = "ops@example.com" },
         "~ aggregation view driver_trips: owner changed to ops@example.com [compatible]"),
        ("new aggregation", { @Sendable (v: inout AggregationVariant) in v.aggregations.append(.stddev("fare_sd_7d", of: "fare", over: .days(7))) },
         "~ aggregation view driver_trips: new aggregation fare_sd_7d (stddev of fare over 7d, hop 1h) [compatible]"),
        ("new event column", { @Sendable (v: inout AggregationVariant) in v.events.append(Field("tip", .float64)) },
         "~ aggregation view driver_trips: new event column tip (float64) [compatible]"),
    ] as [(String, @Sendable (inout AggregationVariant) -> Void, String)])
    func compatible(name: String, edit: @Sendable (inout AggregationVariant) -> Void, expected: String) {
        #expect(changes(edit).map(\.description) == [expected], "\(name)")
    }

    @Test("applying a window change is refused without --allow-breaking")
    func applyRefusesWindowChange() throws {
        try withTemporaryDirectory { home in
            let registry = try Registry(home: home)
            _ = try registry.apply(AggregationVariant().spec, allowBreaking: false)
            var edited = AggregationVariant()
            edited.aggregations[0] = .count("trips_1h", over: .hours(2))
            let error = try #require(throws: BreakingChangeError.self) { try registry.apply(edited.spec, allowBreaking: false) }
            #expect(error.changes.map(\.reason) == ["aggregation trips_1h changed window from 1h to 2h"])
            guard case .applied(let version, _) = try registry.apply(edited.spec, allowBreaking: true) else {
                Issue.record("the change was not applied")
                return
            }
            #expect(version.number == 2)
        }
    }

    @Test("migration 6 brings a registry at version 5 up to date and keeps its spec")
    func migrationFromVersion5() throws {
        #expect(RegistrySchema.migrations.contains { $0.version == 6 })
        try withTemporaryDirectory { home in
            let spec = RidesVariant().spec
            do {
                let db = try SQLiteConnection(path: Registry.path(home: home))
                #expect(try RegistrySchema.migrate(db, upTo: 5) == [1, 2, 3, 4, 5])
                try db.execute("INSERT INTO registry_versions VALUES (1, ?, 1767225600000000, ?, 'initial')",
                               [.text(try Registry.contentHash(spec)), .text(try Registry.canonicalJSON(spec))])
            }
            let db = try SQLiteConnection(path: Registry.path(home: home))
            #expect(try RegistrySchema.version(of: db) == 5)
            #expect(try RegistrySchema.migrate(db) == Array(6...RegistrySchema.current))
            #expect(try RegistrySchema.version(of: db) == RegistrySchema.current)
            let registry = try Registry(home: home)
            #expect(try registry.latest()?.spec == spec)
            // The same definitions are not a new version: the hash stored at version 5 still matches.
            guard case .unchanged(let version) = try registry.apply(spec, allowBreaking: false) else {
                Issue.record("definitions without aggregation views were stored again after migration 6")
                return
            }
            #expect(version.number == 1)
        }
    }

    @Test("a registry at a version after the current one is refused, naming both versions")
    func newerVersionRefused() throws {
        try withTemporaryDirectory { home in
            do {
                let registry = try Registry(home: home)
                _ = try registry.apply(AggregationVariant().spec, allowBreaking: false)
                let db = try SQLiteConnection(path: Registry.path(home: home))
                try db.execute("PRAGMA user_version = \(RegistrySchema.current + 1)")
            }
            let error = try #require(throws: RegistrySchemaError.self) { _ = try Registry(home: home) }
            #expect(error.found == RegistrySchema.current + 1 && error.supported == RegistrySchema.current)
            #expect(error.description.contains(
                "registry schema version \(RegistrySchema.current + 1), but this larder knows versions up to \(RegistrySchema.current)"))
        }
    }
}
