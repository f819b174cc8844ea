import Foundation

/// The server's counters and latency histograms, written in Prometheus' text format by `GET /metrics`.
///
/// Written directly rather than through swift-metrics and a Prometheus backend: the server needs a
/// dozen series, the text format is short, and keeping it here avoids two more packages in every build
/// while keeping full control of bucket bounds (tuned to sub-millisecond lookups).
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
    private var histograms: [String: Histogram] = [:]

    public static let latencyBuckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    struct Histogram {
        var counts: [Int]
        var sum: Double = 0
        var count = 0
    }

    public init() {}

    /// Adds to a counter; `name` may carry labels, e.g. `larder_redis_errors_total{kind="io"}`.
    public func add(_ name: String, _ amount: Double = 1) {
        lock.withLock { counters[name, default: 0] += amount }
    }

    public func observeRequest(route: String, status: Int, seconds: Double) {
        let labels = "route=\"\(route)\",status=\"\(status)\""
        lock.withLock {
            counters["larder_http_requests_total{\(labels)}", default: 0] += 1
            var h = histograms[labels] ?? Histogram(counts: Array(repeating: 0, count: Self.latencyBuckets.count))
            for (i, bound) in Self.latencyBuckets.enumerated() where seconds <= bound { h.counts[i] += 1 }
            h.sum += seconds
            h.count += 1
            histograms[labels] = h
        }
    }

    public func value(_ name: String) -> Double { lock.withLock { counters[name] ?? 0 } }

    public func render() -> String {
        lock.withLock {
            var out = ""
            var typed = Set<String>()
            for (name, value) in counters.sorted(by: { $0.key < $1.key }) {
                let family = String(name.prefix { $0 != "{" })
                if typed.insert(family).inserted { out += "# TYPE \(family) counter\n" }
                out += "\(name) \(Self.format(value))\n"
            }
            out += "# HELP larder_http_request_duration_seconds Time from request to response, by route and status.\n"
            out += "# TYPE larder_http_request_duration_seconds histogram\n"
            for (labels, h) in histograms.sorted(by: { $0.key < $1.key }) {
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

    private static func format(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v) }
}
