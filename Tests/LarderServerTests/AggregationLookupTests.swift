import Hummingbird
import Larder
import LarderOnline
import LarderRegistry
import LarderServer
import Testing

@Suite("Lookups of window aggregates")
struct AggregationLookupTests {
    @Test("window aggregates resolve; a list-valued one (last_k) is refused with 501 NOT_SERVED_ONLINE, naming the feature and what to do instead")
    func listsNotServedYet() throws {
        let driver = Entity("driver", joinKey: "driver_id", type: .int64)
        let stats = Source.parquet("driver_stats", path: "driver_stats.parquet", eventTimestamp: "event_timestamp")
        let trips = Source.parquet("trips", path: "trips.parquet", eventTimestamp: "event_timestamp")
        let view = FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: stats, fields: [Field("conv_rate", .float32)])
        let aggregates = AggregationView("driver_trips", entities: [driver], source: trips, events: [Field("fare", .float64)],
                                         aggregations: [.count("trips_1h", over: .hours(1)), .last(3, "last3_fares", of: "fare", over: .days(7))])
        let repository = FeatureRepository(project: "t", entities: [driver], sources: [stats, trips], views: [view],
                                           aggregationViews: [aggregates],
                                           services: [FeatureService("s", features: [view.allFeatures, aggregates.allFeatures])])
        // Nothing is sent: resolving the features fails before any Redis call (connections open lazily).
        let client = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:1/0"), options: .init(connections: 1))
        defer { client.shutdown() }
        let lookup = OnlineLookup(spec: RepositorySpec(repository), store: RedisOnlineStore(client: client))
        let error = try #require(throws: LookupError.self) { try lookup.resolve(.service("s")) }
        #expect(error.code == .notServedOnline)
        #expect(error.message == "driver_trips:last3_fares is a list (last_k(3)), which lookups do not serve yet; build it in a training set (larder training-set), or leave it out of the lookup")
        let answer = APIError(error)
        #expect(answer.status == .notImplemented)
        #expect(answer.code == "NOT_SERVED_ONLINE")
        // A plain view and a scalar aggregate of the same repository resolve.
        #expect(try lookup.resolve(.references(["driver_stats:conv_rate", "driver_trips:trips_1h"])) == [
            FeatureReference(view: "driver_stats", feature: "conv_rate"), FeatureReference(view: "driver_trips", feature: "trips_1h")])
        let unknown = try #require(throws: LookupError.self) { try lookup.resolve(.references(["driver_trips:nope"])) }
        #expect(unknown.code == .unknownFeature)
        #expect(unknown.message == "aggregation view driver_trips has no feature \"nope\"; it has trips_1h, last3_fares")
    }
}
