import Foundation
import Larder
import LarderRegistry
import Testing

/// On-demand views in the registry: their spec, how `plan` classes their changes, and validation.
@Suite("On-demand views: registry diff and validation")
struct OnDemandRegistryTests {
    /// A rides-like repository with one on-demand view, one knob per aspect the tests vary.
    struct Variant {
        var version = 1
        var request = [RequestField("distance_km", .float64)]
        var sources: (RidesVariant) -> [FeatureSelection] = { [$0.driverStats.features("avg_daily_trips"), $0.customerStats.features("current_balance")] }
        var outputs = [Field("expected_trips_per_km", .float64), Field("balance_after_fare", .float64)]
        var name = "trip_request"
        var service: ((RidesVariant, OnDemandView) -> FeatureService)? = nil

        var rides: RidesVariant { RidesVariant() }

        var onDemand: OnDemandView {
            OnDemandView(name, version: version, request: request, sources: sources(rides), outputs: outputs) { _ in }
        }

        var repository: FeatureRepository {
            let base = rides
            let view = onDemand
            let services = [
                FeatureService("rides", features: [base.driverStats.allFeatures, base.customerStats.allFeatures]),
                service?(base, view) ?? FeatureService("rides_plus", features: [base.driverStats.features("conv_rate"), view.allFeatures]),
            ]
            return FeatureRepository(project: "rides", entities: [base.driver, base.customer], sources: [base.driverSource, base.customerSource],
                                     views: [base.driverStats, base.customerStats], onDemandViews: [view], services: services)
        }

        var spec: RepositorySpec { RepositorySpec(repository) }
    }

    private func changes(_ edit: (inout Variant) -> Void) -> [RegistryDiff.Change] {
        var edited = Variant()
        edit(&edited)
        return RegistryDiff(from: Variant().spec, to: edited.spec).changes.filter { $0.kind == "on-demand view" }
    }

    @Test("the spec records the code as name@version, request fields, sources and outputs; it survives the registry")
    func spec() throws {
        let spec = try #require(Variant().spec.onDemandView("trip_request"))
        #expect(spec.transform == "trip_request@1")
        #expect(spec.requestFields.map { "\($0.name):\($0.type)" } == ["distance_km:float64"])
        #expect(spec.sources.map(\.description) == ["driver_stats:avg_daily_trips", "customer_stats:current_balance"])
        #expect(spec.outputs.map(\.name) == ["expected_trips_per_km", "balance_after_fare"])
        #expect(Variant().spec.service("rides_plus")?.features.map(\.description)
                == ["driver_stats:conv_rate", "trip_request:expected_trips_per_km", "trip_request:balance_after_fare"])
        try withTemporaryDirectory { home in
            let registry = try Registry(home: home)
            _ = try registry.apply(Variant().spec, allowBreaking: false)
            #expect(try registry.latest()?.spec == Variant().spec)
        }
    }

    @Test("definitions without on-demand views keep their canonical JSON (and content hash)")
    func canonicalJSONWithoutOnDemand() throws {
        let json = try Registry.canonicalJSON(RidesVariant().spec)
        #expect(!json.contains("onDemandViews"))
        let decoded = try JSONDecoder().decode(RepositorySpec.self, from: Data(json.utf8))
        #expect(decoded == RidesVariant().spec)
        #expect(try Registry.canonicalJSON(Variant().spec).contains(#""onDemandViews":[{"#))
    }

    @Test("a new on-demand view is a compatible addition; removing it breaks")
    func addedAndRemoved() {
        let withOut = RidesVariant().spec
        let added = RegistryDiff(from: withOut, to: Variant().spec).changes.filter { $0.kind == "on-demand view" }
        #expect(added.map(\.description) == ["+ on-demand view trip_request: new on-demand view [compatible]"])
        var without = Variant().spec
        without.onDemandViews = []
        let removed = RegistryDiff(from: Variant().spec, to: without).changes.filter { $0.kind == "on-demand view" }
        #expect(removed.count == 1 && removed[0].action == .removed && removed[0].impact == .breaking)
    }

    @Test("breaking changes name what changed", arguments: [
        ("version bump", { @Sendable (v: inout Variant) in v.version = 2 }, "code changed from trip_request@1 to trip_request@2"),
        ("output type", { @Sendable (v: inout Variant) in v.outputs = [Field("expected_trips_per_km", .float32), Field("balance_after_fare", .float64)] },
         "output expected_trips_per_km changed type from float64 to float32"),
        ("output removed", { @Sendable (v: inout Variant) in v.outputs = [Field("expected_trips_per_km", .float64)] }, "output balance_after_fare removed"),
        ("request field removed", { @Sendable (v: inout Variant) in v.request = [] }, "request field distance_km removed"),
        ("request field added", { @Sendable (v: inout Variant) in v.request += [RequestField("hour", .int64)] }, "new request field hour (int64)"),
        ("request field type", { @Sendable (v: inout Variant) in v.request = [RequestField("distance_km", .int64)] },
         "request field distance_km changed type from float64 to int64"),
        ("source removed", { @Sendable (v: inout Variant) in v.sources = { [$0.driverStats.features("avg_daily_trips")] } },
         "no longer reads customer_stats:current_balance"),
    ] as [(String, @Sendable (inout Variant) -> Void, String)])
    func breaking(name: String, edit: @Sendable (inout Variant) -> Void, reason: String) throws {
        let found = changes(edit)
        let change = try #require(found.first { $0.reason.contains(reason) }, "\(name): \(found)")
        #expect(change.impact == .breaking, "\(name)")
        #expect(change.name == "trip_request")
        #expect(change.action == .changed)
    }

    @Test("a new output is compatible")
    func newOutput() throws {
        let found = changes { $0.outputs.append(Field("fare", .float64)) }
        #expect(found.map(\.description) == ["~ on-demand view trip_request: new output fare (float64) [compatible]"])
    }

    @Test("applying a version bump is refused without --allow-breaking")
    func applyRefusesVersionBump() throws {
        try withTemporaryDirectory { home in
            let registry = try Registry(home: home)
            _ = try registry.apply(Variant().spec, allowBreaking: false)
            var bumped = Variant()
            bumped.version = 2
            let error = try #require(throws: BreakingChangeError.self) { try registry.apply(bumped.spec, allowBreaking: false) }
            #expect(error.changes.map(\.reason).contains { $0.contains("trip_request@2") })
        }
    }

    private func issues(_ edit: (inout Variant) -> Void) -> [DefinitionIssue] {
        var variant = Variant()
        edit(&variant)
        return DefinitionValidator().validate(variant.repository)
    }

    @Test("the example validates")
    func valid() {
        #expect(issues { _ in }.isEmpty)
    }

    @Test("validation names the view, the feature and the fix", arguments: [
        ("unknown source feature", { @Sendable (v: inout Variant) in v.sources = { [FeatureSelection(view: $0.driverStats, features: ["trips"])] } },
         "on-demand view trip_request: reads driver_stats:trips, which the view does not define — fix: choose one of: conv_rate, acc_rate, avg_daily_trips"),
        ("output clashing with a view feature in a service", { @Sendable (v: inout Variant) in
            v.outputs = [Field("conv_rate", .float64)]
            v.service = { base, view in FeatureService("rides_plus", features: [base.driverStats.features("conv_rate"), view.allFeatures]) }
        }, "service rides_plus: selects trip_request:conv_rate and driver_stats:conv_rate: an on-demand output may not share its name with another feature of the service"),
        ("service selecting an unknown output", { @Sendable (v: inout Variant) in
            v.service = { _, view in FeatureService("rides_plus", features: [view.features("fare")]) }
        }, "service rides_plus: selects trip_request:fare, which the on-demand view does not output — fix: choose one of: expected_trips_per_km, balance_after_fare"),
        ("name of a feature view", { @Sendable (v: inout Variant) in v.name = "driver_stats" }, "on-demand view driver_stats: the name is used by a feature view too"),
        ("request field named like a join key", { @Sendable (v: inout Variant) in v.request = [RequestField("driver_id", .int64)] },
         "field trip_request.driver_id: has the name of a join key"),
        ("output named like an input", { @Sendable (v: inout Variant) in v.outputs = [Field("distance_km", .float64)] },
         "field trip_request.distance_km: is both an output and an input (from the request)"),
        ("the same input from two places", { @Sendable (v: inout Variant) in v.request = [RequestField("current_balance", .float64)] },
         "field trip_request.current_balance: reads current_balance from both the request and customer_stats"),
        ("version zero", { @Sendable (v: inout Variant) in v.version = 0 }, "on-demand view trip_request: version is 0"),
        ("no outputs", { @Sendable (v: inout Variant) in
            v.outputs = []
            v.service = { base, _ in FeatureService("rides_plus", features: [base.driverStats.allFeatures]) }
        }, "on-demand view trip_request: the view has no outputs"),
    ] as [(String, @Sendable (inout Variant) -> Void, String)])
    func invalid(name: String, edit: @Sendable (inout Variant) -> Void, expected: String) {
        let found = issues(edit)
        #expect(found.contains { $0.description.hasPrefix(expected) }, "\(name): \(found.map(\.description))")
    }
}
