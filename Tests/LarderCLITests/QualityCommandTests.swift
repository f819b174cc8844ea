import Foundation
import Testing

@Suite("larder quality, end to end on the rides example")
struct QualityCommandTests {
    @Test("the rides expectations pass on the demo data; quality lists them per view and job, as a table and as JSON")
    func ridesExpectations() throws {
        try withTemporaryDirectory { dir in
            let larder = LarderBinary(workingDirectory: dir, environment: ["LARDER_DATA": dir + "/data", "LARDER_HOME": dir + "/state"])
            #expect(try larder.run("demo-data", "--scale", "XS", "--start", "2026-01-01T00:00:00Z", "data").status == 0)
            #expect(try larder.run("apply").status == 0)
            let none = try larder.run("quality")
            #expect(none.status == 0)
            #expect(none.stdout.contains("no quality results"))
            let materialized = try larder.run("materialize", "--start", "2026-01-01T00:00:00Z", "--end", "2026-01-03T00:00:00Z", "--offline-only",
                                              "--view", "driver_stats", "--view", "customer_stats")
            #expect(materialized.status == 0, "\(materialized.stderr)")

            let table = try larder.run("quality")
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("between(conv_rate, 0, 1)"))
            #expect(table.stdout.contains("not_null(current_balance)"))
            #expect(table.stdout.contains("8 results, 0 failed"), "\(table.stdout)")

            let json = try larder.run("quality", "--view", "customer_stats", "--job", "1", "--json")
            #expect(json.status == 0, "\(json.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(rows.map { $0["expectation"] as? String } == ["not_null(current_balance)", "between(lifetime_trip_count, 0, inf)"])
            #expect(rows.allSatisfy { $0["status"] as? String == "passed" && $0["job"] as? Int == 1 && $0["view"] as? String == "customer_stats" })
            #expect(rows.first?["rows_checked"] as? Int == 100, "XS: 50 customers × 2 days")

            let other = try larder.run("quality", "--job", "99")
            #expect(other.stdout.contains("no quality results for job 99"))
        }
    }
}
