import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderQuality
import LarderRegistry
import Testing

@Suite("Expectations at materialization")
struct MaterializationQualityTests {
    /// The fixture's driver view (conv_rate = hour / 100 over 48 hours, trips = hour) with expectations.
    static func view(_ expectations: [QualityExpectation]) -> FeatureView {
        FeatureView("driver_stats", entities: [OfflineFixture.driver], ttl: .days(1), source: OfflineFixture.source,
                    fields: [Field("conv_rate", .float32), Field("trips", .int32, nullable: false)], expectations: expectations)
    }

    static func materializer(_ f: OfflineFixture, _ view: FeatureView, sink: LateDataTests.RecordingSink) throws -> Materializer {
        try Materializer(repository: OfflineFixture.repository(view), home: f.home, dataDirectory: f.data, online: sink)
    }

    @Test("a failed fail expectation stops the job: nothing offline or online, the job failed naming it, results recorded")
    func failStopsTheJob() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(drivers: 3, hours: 48)
        let sink = LateDataTests.RecordingSink()
        let good = try Self.materializer(f, OfflineFixture.view(), sink: sink)
        let day1 = EventInterval(start: ts("2026-01-01T00:00:00Z"), end: ts("2026-01-02T00:00:00Z"))
        _ = try good.run(views: [OfflineFixture.view()], interval: day1, trigger: "test")
        let before = OfflineFixture.multiset(try good.store.read(view: "driver_stats", columns: nil))
        let onlineBefore = sink.drivers.count
        #expect(before.count == 72)

        // Hours 0–47: conv_rate up to 0.47, so 3 drivers × 18 hours (0.30 … 0.47) break it.
        let view = Self.view([.atMost("conv_rate", 0.295), .notNull("conv_rate", severity: .warn)])
        let m = try Self.materializer(f, view, sink: sink)
        do {
            _ = try m.run(views: [view], interval: .all, trigger: "test")
            Issue.record("the failed expectation should stop the job")
        } catch let error as QualityExpectationError {
            #expect(error.view == "driver_stats")
            #expect(error.failures.map(\.expectation) == ["between(conv_rate, -inf, 0.295)"])
            #expect(error.failures[0].failingRows == 54)
            #expect(error.failures[0].examples.count == 5)
        }
        #expect(OfflineFixture.multiset(try m.store.read(view: "driver_stats", columns: nil)) == before, "the offline store is unchanged")
        #expect(sink.drivers.count == onlineBefore, "nothing was written online")
        let job = try #require(try m.jobs.list(failedOnly: true).first)
        #expect(job.status == .failed)
        let message = try #require(job.error)
        #expect(message.contains("between(conv_rate, -inf, 0.295) [fail] failed on 54 of 144 rows"))
        #expect(message.contains("examples: driver_id="))
        let results = try QualityLog(database: m.registry.database).results(jobID: job.id)
        #expect(results.map(\.result.expectation) == ["between(conv_rate, -inf, 0.295)", "not_null(conv_rate)"])
        #expect(results.map(\.result.passed) == [false, true])
        let files = FileManager.default.enumerator(atPath: f.home + "/offline")?.allObjects.compactMap { $0 as? String }
            .filter { $0.hasSuffix("-j\(job.id).parquet") } ?? []
        #expect(files.isEmpty, "no staged file of the failed job is left")
    }

    @Test("a failed warn expectation is recorded, the job succeeds and its note points at the results")
    func warnIsRecorded() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(drivers: 2, hours: 10)
        let sink = LateDataTests.RecordingSink()
        let view = Self.view([.atMost("conv_rate", 0.055, severity: .warn), .rowCount(atLeast: 1), .uniquePerEntityAndTime])
        let m = try Self.materializer(f, view, sink: sink)
        let report = try m.run(views: [view], interval: .all, trigger: "test")
        #expect(report.views[0].rowsOffline == 20)
        #expect(try m.store.read(view: "driver_stats", columns: nil)?.rowCount == 20)
        #expect(sink.drivers.count == 20, "every row went online")
        let job = try #require(try m.jobs.job(report.jobID))
        #expect(job.status == .succeeded)
        #expect(job.note == "driver_stats: 1 expectation warning (between(conv_rate, -inf, 0.055) on 8 rows; larder quality --job \(report.jobID))")
        let results = try QualityLog(database: m.registry.database).results(view: "driver_stats")
        #expect(results.map(\.jobID) == [report.jobID, report.jobID, report.jobID])
        #expect(results.map(\.result.passed) == [false, true, true])
        #expect(results[0].result.failingRows == 8)
        #expect(results[0].result.severity == .warn)
        #expect(results[1].result.observed == "20 rows")
    }

    @Test("the check runs on the transformed rows: a transform that repairs values passes")
    func checksAfterTheTransform() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.writeDrivers(drivers: 1, hours: 30)
        let clip = RowTransform("clip", version: 1) { row in
            if let r = row.double("conv_rate") { row["conv_rate"] = .float32(Float(min(r, 0.1))) }
        }
        let view = FeatureView("driver_stats", entities: [OfflineFixture.driver], ttl: .days(1), source: OfflineFixture.source,
                               fields: [Field("conv_rate", .float32), Field("trips", .int32, nullable: false)], transform: clip,
                               expectations: [.between("conv_rate", 0, 0.1)])
        let m = try Self.materializer(f, view, sink: LateDataTests.RecordingSink())
        let report = try m.run(views: [view], interval: .all, trigger: "test")
        #expect(try m.jobs.job(report.jobID)?.status == .succeeded)
        #expect(try QualityLog(database: m.registry.database).results(jobID: report.jobID).map(\.result.passed) == [true])
    }
}
