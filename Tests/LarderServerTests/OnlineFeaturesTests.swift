import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderOnline
import LarderRegistry
import LarderServer
import Testing

/// `POST /get-online-features` answering as Feast's feature server does, through the router.
@Suite("get-online-features answers")
struct OnlineFeaturesTests {
    /// The first request of Feast's feature server documentation, verbatim (its `curl -d` line needs
    /// `-H 'Content-Type: application/json'` here: a form post is refused 415), answered byte for byte.
    @Test("the features request from Feast's docs is answered with values, statuses and event times in request order")
    func feastDocumentationRequest() async throws {
        let body = """
            {
                "features": [
                  "driver_hourly_stats:conv_rate",
                  "driver_hourly_stats:acc_rate",
                  "driver_hourly_stats:avg_daily_trips"
                ],
                "entities": {
                  "driver_id": [1001, 1002, 1003]
                }
              }
            """
        try await withServer { fixture, client in
            let response = try await client.lookup(body)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let t = fixture.driverTimes.map { $0.iso8601(fractionalDigits: 0) }
            let expected = #"{"metadata":{"feature_names":["driver_id","conv_rate","acc_rate","avg_daily_trips"]},"results":["#
                + #"{"values":[1001,1002,1003],"statuses":["PRESENT","PRESENT","PRESENT"],"event_timestamps":["\#(epoch)","\#(epoch)","\#(epoch)"]},"#
                + #"{"values":[0.5,0.75,null],"statuses":["PRESENT","PRESENT","OUTSIDE_MAX_AGE"],"event_timestamps":["\#(t[0])","\#(t[1])","\#(t[2])"]},"#
                + #"{"values":[0.25,null,null],"statuses":["PRESENT","NULL_VALUE","OUTSIDE_MAX_AGE"],"event_timestamps":["\#(t[0])","\#(t[1])","\#(t[2])"]},"#
                + #"{"values":[12,7,null],"statuses":["PRESENT","PRESENT","OUTSIDE_MAX_AGE"],"event_timestamps":["\#(t[0])","\#(t[1])","\#(t[2])"]}]}"#
            #expect(response.text == expected)
        }
    }

    /// The second request of Feast's docs: a feature service with full feature names.
    @Test("a feature_service request with full_feature_names names columns view__feature; an unknown entity is NOT_FOUND")
    func featureServiceWithFullNames() async throws {
        let body = """
            {
                "feature_service": "driver_activity",
                "entities": {
                  "driver_id": [1001, 1004]
                },
                "full_feature_names": true
              }
            """
        try await withServer { fixture, client in
            let response = try await client.lookup(body)
            #expect(response.status == .ok)
            let answer = try response.decoded(as: FeastResponse.self)
            #expect(answer.featureNames == ["driver_id", "driver_hourly_stats__conv_rate", "driver_hourly_stats__acc_rate",
                                            "driver_hourly_stats__avg_daily_trips"])
            let t1 = fixture.driverTimes[0].iso8601(fractionalDigits: 0)
            #expect(answer.results == [
                .init(values: [.integer(1001), .integer(1004)], statuses: ["PRESENT", "PRESENT"], eventTimestamps: [epoch, epoch]),
                .init(values: [.number(0.5), .null], statuses: ["PRESENT", "NOT_FOUND"], eventTimestamps: [t1, epoch]),
                .init(values: [.number(0.25), .null], statuses: ["PRESENT", "NOT_FOUND"], eventTimestamps: [t1, epoch]),
                .init(values: [.integer(12), .null], statuses: ["PRESENT", "NOT_FOUND"], eventTimestamps: [t1, epoch]),
            ])
        }
    }

    @Test("features of two views come back in request order, join keys first in request order (as Feast), rows in entity order")
    func twoViewsInRequestOrder() async throws {
        let body = """
            {"features": ["customer_stats:segment", "driver_hourly_stats:avg_daily_trips", "customer_stats:avg_passenger_count",
                          "customer_stats:current_balance", "driver_hourly_stats:conv_rate"],
             "entities": {"driver_id": [1002, 1001], "customer_id": [5, 6]}}
            """
        try await withServer { fixture, client in
            let response = try await client.lookup(body)
            #expect(response.status == .ok)
            let answer = try response.decoded(as: FeastResponse.self)
            #expect(answer.featureNames == ["driver_id", "customer_id", "segment", "avg_daily_trips", "avg_passenger_count",
                                            "current_balance", "conv_rate"])
            let tc = fixture.customerTime.iso8601(fractionalDigits: 0)
            let t = fixture.driverTimes.map { $0.iso8601(fractionalDigits: 0) }
            #expect(answer.results == [
                .init(values: [.integer(1002), .integer(1001)], statuses: ["PRESENT", "PRESENT"], eventTimestamps: [epoch, epoch]),
                .init(values: [.integer(5), .integer(6)], statuses: ["PRESENT", "PRESENT"], eventTimestamps: [epoch, epoch]),
                .init(values: [.string("gold"), .null], statuses: ["PRESENT", "NOT_FOUND"], eventTimestamps: [tc, epoch]),
                .init(values: [.integer(7), .integer(12)], statuses: ["PRESENT", "PRESENT"], eventTimestamps: [t[1], t[0]]),
                .init(values: [.number(1.25), .null], statuses: ["PRESENT", "NOT_FOUND"], eventTimestamps: [tc, epoch]),
                .init(values: [.number(100.5), .null], statuses: ["PRESENT", "NOT_FOUND"], eventTimestamps: [tc, epoch]),
                .init(values: [.number(0.75), .number(0.5)], statuses: ["PRESENT", "PRESENT"], eventTimestamps: [t[1], t[0]]),
            ])
        }
    }

    @Test("a service over two views keeps its declared feature order; short names without full_feature_names")
    func serviceOverTwoViews() async throws {
        try await withServer { fixture, client in
            let response = try await client.lookup(#"{"feature_service": "rides", "entities": {"customer_id": [5], "driver_id": [1003]}}"#)
            #expect(response.status == .ok)
            let answer = try response.decoded(as: FeastResponse.self)
            #expect(answer.featureNames == ["customer_id", "driver_id", "conv_rate", "avg_daily_trips", "current_balance", "segment"])
            let stale = fixture.driverTimes[2].iso8601(fractionalDigits: 0)
            let tc = fixture.customerTime.iso8601(fractionalDigits: 0)
            #expect(answer.column("conv_rate") == .init(values: [.null], statuses: ["OUTSIDE_MAX_AGE"], eventTimestamps: [stale]))
            #expect(answer.column("avg_daily_trips") == .init(values: [.null], statuses: ["OUTSIDE_MAX_AGE"], eventTimestamps: [stale]))
            #expect(answer.column("current_balance") == .init(values: [.number(100.5)], statuses: ["PRESENT"], eventTimestamps: [tc]))
            #expect(answer.column("segment") == .init(values: [.string("gold")], statuses: ["PRESENT"], eventTimestamps: [tc]))
        }
    }

    @Test("JSON content types are accepted, parameters and letter case aside", arguments: [
        "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.feast+json", "application/json;charset=UTF-8",
    ])
    func acceptedContentTypes(_ contentType: String) async throws {
        try await withServer { _, client in
            let response = try await client.lookup(#"{"features": ["driver_hourly_stats:conv_rate"], "entities": {"driver_id": [1001]}}"#,
                                                   contentType: contentType)
            #expect(response.status == .ok, "\(response.text)")
            #expect(try response.decoded(as: FeastResponse.self).column("conv_rate")?.values == [.number(0.5)])
        }
    }

    @Test("a new registry version is served after reload: a feature added by apply is looked up, /ready reports it")
    func reloadServesNewVersion() async throws {
        try await withServer { fixture, client in
            let before = try await client.lookup(#"{"features": ["driver_hourly_stats:rating"], "entities": {"driver_id": [1001]}}"#)
            #expect(before.status == .badRequest)
            #expect(try before.decoded(as: ErrorBody.self).error.code == "UNKNOWN_FEATURE")

            let spec = ServerTestRepository.spec(project: fixture.project, driverExtraFields: [Field("rating", .float64)])
            _ = try fixture.registry.apply(spec, allowBreaking: false)
            #expect(try await fixture.state.reload())
            #expect(fixture.state.version == 2)
            #expect(try await fixture.state.reload() == false, "an unchanged registry is not loaded again")

            let after = try await client.lookup(#"{"features": ["driver_hourly_stats:rating", "driver_hourly_stats:conv_rate"], "entities": {"driver_id": [1001]}}"#)
            #expect(after.status == .ok, "\(after.text)")
            let answer = try after.decoded(as: FeastResponse.self)
            let t1 = fixture.driverTimes[0].iso8601(fractionalDigits: 0)
            #expect(answer.column("rating") == .init(values: [.null], statuses: ["NULL_VALUE"], eventTimestamps: [t1]),
                    "rows written before the feature existed hold no value for it")
            #expect(answer.column("conv_rate")?.values == [.number(0.5)])
            let ready = try await client.get("/ready")
            #expect(ready.status == .ok)
            #expect(ready.text == "{\"status\":\"ready\",\"registry_version\":2}\n")
        }
    }
}
