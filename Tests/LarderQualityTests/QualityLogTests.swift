import Foundation
import Larder
import LarderQuality
import LarderRegistry
import Testing

@Suite("Quality results stored per job")
struct QualityLogTests {
    func withRegistry(_ body: (Registry) throws -> Void) throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("larder-quality-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try body(try Registry(home: home))
    }

    let failed = ExpectationResult(expectation: "between(conv_rate, 0, 1)", severity: .warn, passed: false, rowsChecked: 10,
                                   failingRows: 2, examples: ["driver_id=1 event_timestamp=2026-01-01T00:00:00.000000Z conv_rate=1.5", "x"])
    let passed = ExpectationResult(expectation: "row_count(1, inf)", severity: .fail, passed: true, rowsChecked: 10, failingRows: 0,
                                   observed: "10 rows")

    @Test("results round-trip with examples; the default is the newest job per view; --job and --view filter")
    func roundTrip() throws {
        try withRegistry { registry in
            let log = QualityLog(database: registry.database)
            let at = Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000)
            try log.record(QualityReport(view: "driver_stats", results: [failed, passed]), jobID: 1, now: at)
            try log.record(QualityReport(view: "customer_stats", results: [passed]), jobID: 1, now: at)
            try log.record(QualityReport(view: "driver_stats", results: [passed]), jobID: 2, now: at)
            let job1 = try log.results(jobID: 1)
            #expect(job1.map(\.view) == ["driver_stats", "driver_stats", "customer_stats"])
            #expect(job1[0].result == failed)
            #expect(job1[0].checkedAt == at)
            #expect(job1[1].result == passed)
            let latest = try log.results()
            #expect(latest.map { "\($0.view)@\($0.jobID)" } == ["customer_stats@1", "driver_stats@2"])
            #expect(try log.results(view: "driver_stats").map(\.jobID) == [2])
            #expect(try log.results(view: "driver_stats", jobID: 1).count == 2)
            #expect(try log.results(view: "nope").isEmpty)
        }
    }

    @Test("the table holds severity, status and examples as JSON text")
    func storedColumns() throws {
        try withRegistry { registry in
            try QualityLog(database: registry.database).record(QualityReport(view: "v", results: [failed]), jobID: 7)
            let row = try #require(try registry.database.withConnection { db in
                try db.queryFirst("SELECT job_id, severity, status, failing_rows, examples FROM quality_results")
            })
            #expect(row[0].int64 == 7)
            #expect(row[1].string == "warn")
            #expect(row[2].string == "failed")
            #expect(row[3].int64 == 2)
            #expect(row[4].string == #"["driver_id=1 event_timestamp=2026-01-01T00:00:00.000000Z conv_rate=1.5","x"]"#)
        }
    }
}
