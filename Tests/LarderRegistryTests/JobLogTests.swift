import Larder
import LarderRegistry
import Testing

@Suite("Job log")
struct JobLogTests {
    @Test("lists newest first, filters by whole view names and by failure, and limits")
    func listing() throws {
        try withTemporaryDirectory { home in
            let log = try JobLog(database: try Registry(home: home).database)
            let interval = EventInterval(start: Timestamp(microsecondsSinceEpoch: 0), end: Timestamp(microsecondsSinceEpoch: 10))
            let a = try log.start(trigger: "manual", views: ["driver_stats", "customer_stats"], interval: interval)
            let b = try log.start(trigger: "manual", views: ["driver_stats_v2"], interval: interval)
            let c = try log.start(trigger: "scheduled", views: ["customer_stats"], interval: interval)
            try log.finish(id: a, status: .succeeded, rowsRead: 5, rowsOffline: 5, rowsOnline: 0, error: nil)
            try log.finish(id: b, status: .failed, rowsRead: 0, rowsOffline: 0, rowsOnline: 0, error: "bad row")
            #expect(try log.list().map(\.id) == [c, b, a])
            #expect(try log.list(view: "driver_stats").map(\.id) == [a], "driver_stats_v2 is another view")
            #expect(try log.list(view: "customer_stats").map(\.id) == [c, a])
            #expect(try log.list(failedOnly: true).map(\.id) == [b])
            #expect(try log.list(limit: 2).map(\.id) == [c, b])
            #expect(try log.job(b)?.error == "bad row")
            #expect(try log.job(a)?.rowsRead == 5)
        }
    }
}
