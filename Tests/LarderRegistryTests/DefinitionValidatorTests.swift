import Larder
import LarderRegistry
import Testing

@Suite("Definition validation")
struct DefinitionValidatorTests {
    let driver = Entity("driver", joinKey: "driver_id")
    let source = Source.csv("driver_stats", path: "driver_stats.csv")

    private func view(_ name: String = "driver_stats", ttl: TimeSpan? = .days(1), fields: [Field]? = nil,
                      transform: RowTransform? = nil) -> FeatureView {
        FeatureView(name, entities: [driver], ttl: ttl, source: source,
                    fields: fields ?? [Field("conv_rate", .float32), Field("avg_daily_trips", .int32)], transform: transform)
    }

    private func issues(views: [FeatureView]? = nil, services: [FeatureService]? = nil, entities: [Entity]? = nil,
                        columns: [String: ValueType?]? = nil) -> [DefinitionIssue] {
        let views = views ?? [view()]
        let repository = FeatureRepository(project: "rides", entities: entities ?? [driver], sources: [source], views: views,
                                           services: services ?? [FeatureService("rides", features: [views[0].allFeatures])])
        let reader: DefinitionValidator.ColumnReader = { _ in columns.map { SourceColumns(location: "data/driver_stats.csv", columns: $0) } }
        return DefinitionValidator(sourceColumns: reader).validate(repository)
    }

    @Test("valid definitions have no issues")
    func valid() {
        #expect(issues().isEmpty)
        #expect(issues(columns: ["driver_id": .int64, "event_timestamp": .timestamp, "created": .timestamp,
                                 "conv_rate": .float32, "avg_daily_trips": .int32]).isEmpty)
    }

    @Test("duplicate names are named with a fix")
    func duplicates() throws {
        let found = issues(views: [view(), view()])
        let issue = try #require(found.first { $0.kind == "view" && $0.problem.contains("more than one") })
        #expect(issue.name == "driver_stats")
        #expect(issue.fix == "give each view a unique name")
        let fields = issues(views: [view(fields: [Field("a", .int32), Field("a", .int64)])])
        #expect(fields.contains { $0.name == "driver_stats.a" && $0.problem == "is declared twice" })
    }

    @Test("a negative or zero ttl is refused")
    func negativeTTL() {
        let found = issues(views: [view(ttl: .hours(-1))])
        #expect(found.count == 1)
        #expect(found.first?.problem.contains("ttl is -1h") == true)
        #expect(issues(views: [view(ttl: .zero)]).count == 1)
    }

    @Test("an empty service is refused")
    func emptyService() {
        let found = issues(services: [FeatureService("rides", features: [])])
        #expect(found.map(\.description) == ["service rides: the service selects no features — fix: add at least one selection such as driverStats.allFeatures"])
    }

    @Test("a service selecting an unknown feature names the view's features")
    func unknownFeature() {
        let v = view()
        let found = issues(views: [v], services: [FeatureService("rides", features: [v.features("conv_rat")])])
        #expect(found.count == 1)
        #expect(found.first?.problem == "selects driver_stats:conv_rat, which the view does not define")
        #expect(found.first?.fix == "choose one of: conv_rate, avg_daily_trips")
    }

    @Test("a join key or field missing from the source's columns is reported")
    func missingColumns() {
        let found = issues(columns: ["event_timestamp": .timestamp, "created": .timestamp, "conv_rate": .float32])
        #expect(found.contains { $0.name == "driver_stats" && $0.problem == "join key driver_id is not a column of data/driver_stats.csv" })
        #expect(found.contains { $0.name == "driver_stats.avg_daily_trips" && $0.fix.contains("conv_rate, created, event_timestamp") })
        #expect(found.count == 2)
    }

    @Test("a field whose source column has another type is reported; widening is allowed")
    func wrongType() {
        let cols: [String: ValueType?] = ["driver_id": .int64, "event_timestamp": .timestamp, "created": .timestamp,
                                          "conv_rate": .float64, "avg_daily_trips": .int32]
        let found = issues(columns: cols)
        #expect(found.map(\.description) == ["field driver_stats.conv_rate: is declared float32 but is float64 in data/driver_stats.csv — fix: declare Field(\"conv_rate\", .float64), or convert it in the view's transform"])
        var widened = cols
        widened["conv_rate"] = .float32
        widened["avg_daily_trips"] = .int32
        #expect(issues(views: [view(fields: [Field("conv_rate", .float64), Field("avg_daily_trips", .int64)])], columns: widened).isEmpty)
    }

    @Test("fields a transform produces need not be in the source")
    func producedFields() {
        let t = RowTransform("bucket", version: 1, produces: ["bucket"]) { $0["bucket"] = .int32(1) }
        let cols: [String: ValueType?] = ["driver_id": .int64, "event_timestamp": .timestamp, "created": .timestamp, "conv_rate": nil]
        #expect(issues(views: [view(fields: [Field("conv_rate", .float32), Field("bucket", .int32)], transform: t)], columns: cols).isEmpty)
    }

    @Test("bad names, reserved names and unregistered entities are reported")
    func namesAndReferences() {
        let bad = issues(views: [view("driver-stats", fields: [Field("created", .timestamp)])])
        #expect(bad.contains { $0.name == "driver-stats" && $0.problem.contains("not a valid name") })
        #expect(bad.contains { $0.name == "driver-stats.created" && $0.problem == "uses a reserved column name" })
        let unregistered = issues(entities: [])
        #expect(unregistered.contains { $0.problem == "uses entity driver, which is not in the repository's entities" })
    }

    @Test("a source that cannot be read is an issue, not a crash")
    func unreadableSource() {
        struct Broken: Error, CustomStringConvertible { var description: String { "bad magic" } }
        let repository = FeatureRepository(project: "rides", entities: [driver], sources: [source], views: [view()],
                                           services: [FeatureService("rides", features: [view().allFeatures])])
        let found = DefinitionValidator(sourceColumns: { _ in throw Broken() }).validate(repository)
        #expect(found.map(\.problem) == ["cannot be read: bad magic"])
    }

    @Test("a schedule that cannot run is refused at apply, naming the view and the fault")
    func invalidSchedules() throws {
        func scheduled(_ name: String, _ schedule: Schedule) -> FeatureView {
            FeatureView(name, entities: [driver], ttl: .days(1), source: source, fields: [Field("conv_rate", .float32)], schedule: schedule)
        }
        let found = issues(views: [scheduled("hourly", .cron("0 * * * *")), scheduled("four_fields", .cron("0 * * *")),
                                   scheduled("feb30", .cron("0 0 30 2 *")), scheduled("minute61", .cron("61 * * * *")),
                                   scheduled("zero", .every(.seconds(0)))])
        #expect(Set(found.map(\.name)) == ["four_fields", "feb30", "minute61", "zero"])
        #expect(found.allSatisfy { $0.kind == "view" && $0.fix.contains("cron") })
        #expect(try #require(found.first { $0.name == "four_fields" }).problem.contains("has 4 fields"))
        #expect(try #require(found.first { $0.name == "feb30" }).problem.contains("never matches"))
        #expect(try #require(found.first { $0.name == "minute61" }).problem.contains("outside 0-59"))
        #expect(try #require(found.first { $0.name == "zero" }).problem.contains("must be positive"))
    }
}
