import Larder
import LarderRegistry

/// The gauges `/metrics` reads from the registry database at each scrape (on the database's queue, never on an
/// event loop): per view, the age of its newest stored event — from the offline catalog's per-file event-time
/// bounds, events from the future ignored — and of its last successful job; per view, whether its last job failed.
/// Alerting rules (`larder alerts rules`) compare them with each view's schedule.
enum FreshnessGauges {
    struct ViewState: Sendable, Equatable {
        var view: String
        /// Newest event time at or before now among the view's stored files (offline catalog), if any.
        var newestEvent: Timestamp?
        var lastSuccess: Timestamp?
        var lastJobFailed: Bool
    }

    static func read(views: [String], database: SQLiteDatabase, now: Timestamp) async throws -> [ViewState] {
        try await database.read { db in
            // A file holding events on both sides of now counts with its oldest event: a lower bound of its newest
            // past one, so the gauge never claims more freshness than there is.
            var newest: [String: Int64] = [:]
            let files = "SELECT view, max(CASE WHEN max_event <= ?1 THEN max_event WHEN min_event <= ?1 THEN min_event END) FROM offline_files GROUP BY view"
            for row in try db.query(files, [.integer(now.microsecondsSinceEpoch)]) {
                if let view = row[0].string, let t = row[1].int64 { newest[view] = t }
            }
            // One pass over the finished jobs, newest first (a job names its views comma-separated), instead of two
            // scans per view.
            var lastSuccess: [String: Int64] = [:], lastStatus: [String: String] = [:]
            for row in try db.query("SELECT views, status, finished_at FROM jobs WHERE status != 'running' ORDER BY id DESC") {
                guard let status = row[1].string else { continue }
                for view in (row[0].string ?? "").split(separator: ",").map(String.init) {
                    if lastStatus[view] == nil { lastStatus[view] = status }
                    if status == "succeeded", lastSuccess[view] == nil, let t = row[2].int64 { lastSuccess[view] = t }
                }
            }
            return views.map { view in
                ViewState(view: view, newestEvent: newest[view].map(Timestamp.init(microsecondsSinceEpoch:)),
                          lastSuccess: lastSuccess[view].map(Timestamp.init(microsecondsSinceEpoch:)), lastJobFailed: lastStatus[view] == "failed")
            }
        }
    }

    /// The Prometheus text of `states` at `now`; views never stored or never run have no sample (absent, not 0).
    static func render(_ states: [ViewState], now: Timestamp) -> String {
        func age(_ t: Timestamp) -> String { String(Double(now.microsecondsSinceEpoch - t.microsecondsSinceEpoch) / 1e6) }
        var out = "# HELP larder_view_newest_event_age_seconds Seconds since the newest stored event time of the view (freshness).\n"
        out += "# TYPE larder_view_newest_event_age_seconds gauge\n"
        for s in states { if let t = s.newestEvent { out += "larder_view_newest_event_age_seconds{view=\"\(s.view)\"} \(age(t))\n" } }
        out += "# HELP larder_view_last_success_age_seconds Seconds since the view's last successful job finished.\n"
        out += "# TYPE larder_view_last_success_age_seconds gauge\n"
        for s in states { if let t = s.lastSuccess { out += "larder_view_last_success_age_seconds{view=\"\(s.view)\"} \(age(t))\n" } }
        out += "# HELP larder_view_last_job_failed 1 when the view's last finished job failed.\n"
        out += "# TYPE larder_view_last_job_failed gauge\n"
        for s in states { out += "larder_view_last_job_failed{view=\"\(s.view)\"} \(s.lastJobFailed ? 1 : 0)\n" }
        return out
    }
}
