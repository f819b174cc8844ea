import Foundation
public import LarderOnline
import Synchronization

/// The server's counters and latency histograms, written in Prometheus' text format by `GET /metrics`.
///
/// Written directly rather than through swift-metrics and a Prometheus backend: the server needs a
/// dozen series, the text format is short, and keeping it here avoids two more packages in every build
/// while keeping full control of bucket bounds (tuned to sub-millisecond lookups). The per-request
/// calls take one lock and build no strings: they run on every lookup.
///
/// ```swift
/// metrics.observeRequest(route: "/get-online-features", status: 200, seconds: 0.0004)
/// metrics.add("larder_entities_looked_up_total", 100)
/// let text = metrics.render()
/// ```
public final class ServerMetrics: @unchecked Sendable {
    // Every access holds the lock; request handlers call in from many event loops.
    private let lock = NSLock()
    private var counters: [String: Double] = [:]
    private var requests: [RequestKey: Histogram] = [:]
    private var lookups = LookupCounts()
    private let eventLoopLookups = Atomic<Int>(0)

    public static let latencyBuckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    struct RequestKey: Hashable, Comparable {
        var route: String
        var status: Int
        var labels: String { "route=\"\(route)\",status=\"\(status)\"" }
        static func < (a: RequestKey, b: RequestKey) -> Bool { (a.route, a.status) < (b.route, b.status) }
    }

    struct Histogram {
        var counts = [Int](repeating: 0, count: ServerMetrics.latencyBuckets.count)
        var sum: Double = 0
        var count = 0

        mutating func observe(_ seconds: Double) {
            // Cumulative buckets: every bound at or above the value counts it.
            for (i, bound) in ServerMetrics.latencyBuckets.enumerated() where seconds <= bound { counts[i] += 1 }
            sum += seconds
            count += 1
        }
    }

    /// What lookups found, counted without per-request label strings.
    struct LookupCounts {
        var roundTrips = 0
        var entities = 0
        var statuses = [Int](repeating: 0, count: OnlineFeatureStatus.allCases.count)
    }

    public init() {}

    /// Adds to a counter; `name` may carry labels, e.g. `larder_redis_errors_total{kind="io"}`.
    public func add(_ name: String, _ amount: Double = 1) {
        lock.withLock { counters[name, default: 0] += amount }
    }

    public func observeRequest(route: String, status: Int, seconds: Double) {
        let key = RequestKey(route: route, status: status)
        lock.withLock {
            if requests[key] == nil { requests[key] = Histogram() }
            requests[key]!.observe(seconds)
        }
    }

    /// Counts one answered lookup: its Redis round trip, its entity rows, and how many values it
    /// answered with each status.
    public func observeLookup(_ result: OnlineLookup.Result) {
        lock.withLock {
            lookups.roundTrips += 1
            lookups.entities += result.rowCount
            result.addStatusCounts(to: &lookups.statuses)
        }
    }

    /// Counts a `/get-online-features` request answered on the event loop rather than by the router.
    func countEventLoopLookup() {
        eventLoopLookups.add(1, ordering: .relaxed)
    }

    /// A counter's current value by its rendered name (labels included); 0 when it was never counted.
    public func value(_ name: String) -> Double { lock.withLock { allCounters()[name] ?? 0 } }

    public func render() -> String {
        lock.withLock {
            var out = ""
            var typed = Set<String>()
            for (name, value) in allCounters().sorted(by: { $0.key < $1.key }) {
                let family = String(name.prefix { $0 != "{" })
                if typed.insert(family).inserted { out += "# TYPE \(family) counter\n" }
                out += "\(name) \(Self.format(value))\n"
            }
            out += "# HELP larder_http_request_duration_seconds Time from request to response, by route and status.\n"
            out += "# TYPE larder_http_request_duration_seconds histogram\n"
            for (key, h) in requests.sorted(by: { $0.key < $1.key }) {
                let labels = key.labels
                for (i, bound) in Self.latencyBuckets.enumerated() {
                    out += "larder_http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(h.counts[i])\n"
                }
                out += "larder_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(h.count)\n"
                out += "larder_http_request_duration_seconds_sum{\(labels)} \(h.sum)\n"
                out += "larder_http_request_duration_seconds_count{\(labels)} \(h.count)\n"
            }
            return out
        }
    }

    /// The named counters plus those kept as numbers on the hot path; call with the lock held.
    private func allCounters() -> [String: Double] {
        var all = counters
        let onLoop = eventLoopLookups.load(ordering: .relaxed)
        if onLoop > 0 { all["larder_lookups_on_event_loop_total"] = Double(onLoop) }
        for (key, h) in requests { all["larder_http_requests_total{\(key.labels)}"] = Double(h.count) }
        if lookups.roundTrips > 0 {
            all["larder_redis_round_trips_total", default: 0] += Double(lookups.roundTrips)
            all["larder_entities_looked_up_total", default: 0] += Double(lookups.entities)
        }
        for (i, status) in OnlineFeatureStatus.allCases.enumerated() where lookups.statuses[i] > 0 {
            all["larder_feature_values_total{status=\"\(status.rawValue)\"}"] = Double(lookups.statuses[i])
        }
        return all
    }

    private static func format(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v) }
}
