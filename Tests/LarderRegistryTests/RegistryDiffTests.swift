import Larder
import LarderRegistry
import Testing

@Suite("Registry diff classification")
struct RegistryDiffTests {
    private func diff(_ change: (inout RidesVariant) -> Void) -> RegistryDiff {
        var edited = RidesVariant()
        change(&edited)
        return RegistryDiff(from: RidesVariant().spec, to: edited.spec)
    }

    /// The single change to a view (a service that selects all of a view's features also changes).
    private func only(_ diff: RegistryDiff) -> RegistryDiff.Change? {
        let views = diff.changes.filter { $0.kind == "view" }
        return views.count == 1 ? views[0] : nil
    }

    @Test("identical definitions have no changes")
    func identical() {
        #expect(RegistryDiff(from: RidesVariant().spec, to: RidesVariant().spec).isEmpty)
    }

    @Test("a first apply adds every object as compatible")
    func firstApply() {
        let d = RegistryDiff(from: nil, to: RidesVariant().spec)
        #expect(d.changes.count == 7)
        #expect(d.changes.allSatisfy { $0.action == .added && $0.impact == .compatible })
    }

    @Test("compatible changes", arguments: [
        ("new field", { @Sendable (v: inout RidesVariant) in v.driverFields = [Field("conv_rate", .float32), Field("acc_rate", .float32), Field("avg_daily_trips", .int32), Field("rating", .float64)] }, "new field rating"),
        ("tags", { @Sendable (v: inout RidesVariant) in v.tags = ["team": "growth"] }, "tags changed"),
        ("description", { @Sendable (v: inout RidesVariant) in v.description = "new words" }, "description changed"),
        ("ttl lengthened", { @Sendable (v: inout RidesVariant) in v.driverTTL = TimeSpan.days(3) }, "ttl lengthened from 1d to 3d"),
        ("ttl removed", { @Sendable (v: inout RidesVariant) in v.driverTTL = nil }, "ttl removed"),
    ] as [(String, @Sendable (inout RidesVariant) -> Void, String)])
    func compatible(name: String, change: @Sendable (inout RidesVariant) -> Void, reason: String) throws {
        let c = try #require(only(diff(change)), "\(name) should be one change")
        #expect(c.impact == .compatible)
        #expect(c.reason.contains(reason))
        #expect(c.name == "driver_stats")
    }

    @Test("breaking changes", arguments: [
        ("type changed", { @Sendable (v: inout RidesVariant) in v.convRateType = .float64 }, "field conv_rate changed type from float32 to float64"),
        ("field removed", { @Sendable (v: inout RidesVariant) in v.driverFields = [Field("conv_rate", .float32), Field("acc_rate", .float32)] }, "field avg_daily_trips removed"),
        ("ttl shortened", { @Sendable (v: inout RidesVariant) in v.driverTTL = TimeSpan.hours(12) }, "ttl shortened from 1d to 12h"),
        ("ttl set", { @Sendable (v: inout RidesVariant) in v.driverTTL = nil }, ""),
        ("transform changed", { @Sendable (v: inout RidesVariant) in v.transform = RowTransform("clip", version: 2) { _ in } }, "transform changed from none to clip@2"),
        ("taken offline", { @Sendable (v: inout RidesVariant) in v.online = false }, "no longer served online"),
    ] as [(String, @Sendable (inout RidesVariant) -> Void, String)])
    func breaking(name: String, change: @Sendable (inout RidesVariant) -> Void, reason: String) throws {
        if name == "ttl set" {
            // From no ttl to a ttl: old values start expiring.
            var unlimited = RidesVariant()
            unlimited.driverTTL = nil
            let c = try #require(only(RegistryDiff(from: unlimited.spec, to: RidesVariant().spec)))
            #expect(c.impact == .breaking)
            #expect(c.reason.contains("ttl set to 1d"))
            return
        }
        let c = try #require(only(diff(change)), "\(name) should be one change")
        #expect(c.impact == .breaking)
        #expect(c.reason.contains(reason))
    }

    @Test("an entity's join key change breaks the entity")
    func joinKeyChanged() {
        let d = diff { $0.joinKey = "driver_uuid" }
        let entityChange = d.changes.first { $0.kind == "entity" }
        #expect(entityChange?.impact == .breaking)
        #expect(entityChange?.reason == "join key changed from driver_id to driver_uuid")
    }

    @Test("removing a view or a served feature is breaking; adding a view is compatible")
    func viewsAndServices() {
        let extra = FeatureView("trips", entities: [RidesVariant().driver], ttl: nil, source: RidesVariant().driverSource,
                                fields: [Field("n", .int64)])
        var withExtra = RidesVariant()
        withExtra.extraViews = [extra]
        let added = RegistryDiff(from: RidesVariant().spec, to: withExtra.spec)
        #expect(added.changes.map(\.description) == ["+ view trips: new view [compatible]"])
        let removed = RegistryDiff(from: withExtra.spec, to: RidesVariant().spec)
        #expect(removed.changes.first?.impact == .breaking)
        #expect(removed.changes.first?.action == .removed)

        let narrowed = diff { $0.serviceFeatures = ["conv_rate"] }
        #expect(narrowed.breaking.count == 4)
        #expect(narrowed.breaking.allSatisfy { $0.kind == "service" && $0.reason.hasPrefix("no longer serves") })
    }

    @Test("the rendered diff marks each line and counts breaking changes")
    func rendered() {
        let text = diff { $0.convRateType = .float64; $0.tags = [:] }.rendered()
        #expect(text.contains("~ view driver_stats: field conv_rate changed type from float32 to float64 [breaking]"))
        #expect(text.contains("~ view driver_stats: tags changed [compatible]"))
        #expect(text.hasSuffix("2 changes, 1 breaking"))
        #expect(RegistryDiff(from: RidesVariant().spec, to: RidesVariant().spec).rendered() == "no changes")
    }
}
