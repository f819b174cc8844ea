import Foundation
import Hummingbird
import HummingbirdTesting
import Larder
import LarderOnline
import LarderRegistry
import LarderServer
import Testing

/// The freshness gauges of `/metrics`, read from the registry at each scrape: the age of a view's newest stored
/// event, of its last successful job, and whether its last job failed.
@Suite("/metrics freshness gauges")
struct FreshnessMetricsTests {
    static func gauge(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test("an offline push moves the newest-event age and the last success; a failed job raises the failure gauge")
    func freshness() async throws {
        let server = try PushTests.make()
        defer { server.state.client.shutdown(); try? FileManager.default.removeItem(atPath: server.home) }
        try await server.state.reload()
        let app = Application(router: FeatureServer(state: server.state).router())
        let hourAgo = Timestamp.now().adding(.hours(-1)).iso8601(fractionalDigits: 0)
        let future = Timestamp.now().adding(.hours(5)).iso8601(fractionalDigits: 0)
        try await app.test(.router) { client in
            let before = try await client.execute(uri: "/metrics", method: .get).text
            #expect(Self.gauge(before, #"larder_view_newest_event_age_seconds{view="driver_stats"}"#) == nil, "nothing stored yet")
            #expect(Self.gauge(before, #"larder_view_last_job_failed{view="driver_stats"}"#) == 0)

            let pushed = try await client.execute(
                uri: "/push", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"feature_view":"driver_stats","df":{"driver_id":[7,8],"event_timestamp":["\#(hourAgo)","\#(future)"],"conv_rate":[0.1,0.2],"trips":[1,2]},"to":"offline"}"#))
            #expect(pushed.status == .ok, "\(pushed.text)")
            let after = try await client.execute(uri: "/metrics", method: .get).text
            // The event from the future is not the newest *stored past* event: the age is the hour-old one's.
            let age = try #require(Self.gauge(after, #"larder_view_newest_event_age_seconds{view="driver_stats"}"#), "\(after)")
            #expect(age >= 3_590 && age <= 3_700)
            let success = try #require(Self.gauge(after, #"larder_view_last_success_age_seconds{view="driver_stats"}"#))
            #expect(success >= 0 && success < 60)

            let jobs = try JobLog(database: server.state.registry.database)
            let id = try jobs.start(trigger: "manual", views: ["driver_stats"], interval: EventInterval(start: .now(), end: .now()))
            try jobs.finish(id: id, status: .failed, rowsRead: 0, rowsOffline: 0, rowsOnline: 0, error: "source missing")
            let failed = try await client.execute(uri: "/metrics", method: .get).text
            #expect(Self.gauge(failed, #"larder_view_last_job_failed{view="driver_stats"}"#) == 1)
        }
    }
}
