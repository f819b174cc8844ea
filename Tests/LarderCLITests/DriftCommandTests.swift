import Foundation
import Larder
import Testing

/// `larder drift` through the built binary on the rides example: the stored rows against the snapshot built from
/// them do not drift; recent pushed rows far from it do, feature by feature; no recent rows is insufficient data.
@Suite("larder drift, end to end")
struct DriftCommandTests {
    struct Report: Decodable {
        struct Feature: Decodable {
            var column_name: String
            var stattest_name: String?
            var drift_detected: Bool?
            var status: String
            var current_size: Int
        }
        var dataset_drift: Bool
        var status: String
        var share_of_drifted_columns: Double
        var drift_by_columns: [Feature]
    }

    @Test("no drift against its own snapshot (exit 0); shifted recent rows drift (exit 2); no recent rows: insufficient data (exit 3)")
    func drift() throws {
        try withTemporaryDirectory { dir in
            let larder = LarderBinary(workingDirectory: dir, environment: ["LARDER_DATA": dir + "/data", "LARDER_HOME": dir + "/state"])
            for arguments in [["demo-data", "--scale", "XS", "--start", "2026-01-01T00:00:00Z", "data"], ["apply"],
                              ["materialize", "--offline-only", "--start", "2025-12-01T00:00:00Z", "--end", "2026-03-01T00:00:00Z"],
                              ["training-set", "--entities", "data/orders.parquet", "--service", "rides", "--out", "train.parquet", "--save", "ref"]] {
                let done = try larder.run(arguments)
                try #require(done.status == 0, "\(arguments): \(done.stderr)")
            }
            let same = try larder.run("drift", "--reference", "ref", "--view", "driver_stats", "--since", "10000d", "--json")
            #expect(same.status == 0, "\(same.stderr)")
            let calm = try JSONDecoder().decode(Report.self, from: Data(same.stdout.utf8))
            #expect(calm.status == "no_drift" && !calm.dataset_drift)
            #expect(calm.drift_by_columns.map(\.column_name) == ["conv_rate", "acc_rate", "avg_daily_trips"])
            #expect(calm.drift_by_columns.allSatisfy { $0.stattest_name == "Wasserstein distance (normed)" && $0.drift_detected == false })

            let none = try larder.run("drift", "--reference", "ref", "--view", "driver_stats", "--since", "1h")
            #expect(none.status == 3, "\(none.stdout)\(none.stderr)")
            #expect(none.stdout.contains("insufficient data"))

            // 300 rows of the last hour, conv_rate and acc_rate pinned high, trips as usual.
            let now = Timestamp.now().microsecondsSinceEpoch
            var csv = "driver_id,event_timestamp,created,conv_rate,acc_rate,avg_daily_trips\n"
            for k in 0..<300 {
                let t = Timestamp(microsecondsSinceEpoch: now - Int64(k) * 1_000_000).iso8601(fractionalDigits: 0)
                csv += "\(1000 + k % 50),\(t),\(t),0.99,0.98,\(100 + (k * 37) % 800)\n"
            }
            try csv.write(toFile: dir + "/shifted.csv", atomically: true, encoding: .utf8)
            let pushed = try larder.run("push", "driver_stats", "shifted.csv", "--to", "offline")
            try #require(pushed.status == 0, "\(pushed.stderr)")
            let shifted = try larder.run("drift", "--reference", "ref", "--view", "driver_stats", "--since", "1h", "--json", "--html", "report.html")
            #expect(shifted.status == 2, "\(shifted.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: Data(shifted.stdout.utf8))
            #expect(report.dataset_drift && report.status == "drift")
            let byName = Dictionary(uniqueKeysWithValues: report.drift_by_columns.map { ($0.column_name, $0) })
            #expect(byName["conv_rate"]?.drift_detected == true && byName["acc_rate"]?.drift_detected == true)
            #expect(byName["conv_rate"]?.current_size == 300)
            // The report stands alone: a histogram per feature, nothing fetched from elsewhere, no script.
            let page = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
            #expect(page.components(separatedBy: "<svg").count - 1 == 3)
            #expect(page.contains("<td>conv_rate</td>") && page.contains(">drift<"))
            #expect(!page.contains("http://") || page.components(separatedBy: "http://").count - 1 == 3, "only the SVG namespace")
            #expect(!page.contains("<script") && !page.contains("https://"))
        }
    }
}
