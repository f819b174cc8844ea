import ArgumentParser
import Foundation
import Larder
import LarderColumnar
import LarderMonitoring
import LarderOffline
import LarderRegistry

/// `larder drift --reference SNAPSHOT --view V [--since 24h]`: each feature of a view, as stored recently, against
/// the same feature in the snapshot a model was trained on.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare a view's recent feature values with a training snapshot, test by test as Evidently does.",
        discussion: """
            For each feature of --view that the snapshot holds, the reference is the snapshot's column and the
            current sample the view's rows in the offline store whose event time is within --since of now (or
            before --until). The
            test is the one Evidently's DataDriftPreset picks with its defaults: with a reference of at most 1,000
            values, Kolmogorov–Smirnov for numbers with more than 5 distinct values (drift when p ≤ 0.05),
            chi-square for 3–5 values or categories, a two-proportion z-test for 2 or fewer (p < 0.05); above
            1,000, the Wasserstein distance over the reference's standard deviation for numbers (drift when
            ≥ 0.1) and Jensen–Shannon otherwise (≥ 0.1). PSI is reported beside. The dataset drifts when at least
            half of the tested features do. A current sample under 100 values is insufficient data, never "no
            drift". Each side is a seeded sample of at most --sample values (exact when smaller).

            Exit status: 0 no drift, 2 drift, 3 insufficient data.

            Examples:
              larder drift --reference rides_demo --view driver_stats
              larder drift --reference rides_demo --view driver_stats --since 7d --json
              larder drift --reference rides_demo --view driver_stats --html drift.html
              larder drift --reference rides_v1 --view driver_stats --since 4d --until 2026-01-31T00:00:00Z
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The snapshot to compare with (`larder snapshots list`).")
    var reference: String

    @Option(help: "The feature view whose recent rows are the current sample.")
    var view: String

    @Option(help: "How far back the current sample reaches from now (e.g. 24h, 7d).")
    var since: String = "24h"

    @Option(help: "The end of the current sample's window, ISO-8601 (default: now): to look back at a past period.")
    var until: String?

    @Option(help: "Values per side and feature at most (a seeded uniform sample above it).")
    var sample: Int = 10_000

    @Flag(help: "Print Evidently-shaped JSON (column_name, stattest_name, drift_score, drift_detected, …).")
    var json = false

    @Option(help: "Also write an HTML report (verdicts, and reference vs current histograms per feature) to this file.")
    var html: String?

    func run() throws {
        guard let span = TimeSpan(parsing: since), span.microseconds > 0 else {
            throw ValidationError("--since \(since) is not a duration; write e.g. 24h or 7d")
        }
        guard sample > 0 else { throw ValidationError("--sample must be positive") }
        let project = Project(options)
        let (repository, _) = try project.appliedRepository()
        guard let view = repository.view(named: view) else {
            throw CLIError("no feature view named \(self.view); views: \(repository.views.map(\.name).joined(separator: ", "))")
        }
        let registry = try project.openRegistry()
        let snapshots = try SnapshotStore(home: options.homeDirectory, database: registry.database)
        let (snapshot, referenceRows) = try snapshots.read(reference)
        var pairs: [(feature: String, column: Column)] = []
        for field in view.fields {
            let names = ["\(view.name)__\(field.name)", field.name]
            guard snapshot.features.contains("\(view.name):\(field.name)"),
                  let column = names.lazy.compactMap({ referenceRows.column(named: $0) }).first else { continue }
            pairs.append((field.name, column))
        }
        guard !pairs.isEmpty else {
            throw CLIError("snapshot \(reference) holds no feature of view \(view.name) (it holds \(snapshot.features.joined(separator: ", ")))")
        }
        let store = try OfflineStore(home: options.homeDirectory, database: registry.database)
        let end = try until.map { try Timestamp(parsing: $0) }
        let interval = EventInterval(start: (end ?? .now()).adding(TimeSpan(microseconds: -span.microseconds)),
                                     end: end ?? Timestamp(microsecondsSinceEpoch: .max))
        let current = try store.read(view: view.name, columns: pairs.map(\.feature), interval: interval)
        var features: [FeatureDrift] = []
        var tested: [String: FeatureSamples] = [:]
        for (index, (feature, column)) in pairs.enumerated() {
            let recent = try current?.column(named: feature) ?? Column(type: column.type, values: [])
            guard let samples = DriftSamples.samples(reference: column, current: recent, capacity: sample, seed: UInt64(index) &* 2) else { continue }
            features.append(FeatureDrift(columnName: feature, samples: samples))
            tested[feature] = samples
        }
        let drift = DatasetDrift(features: features)
        if let html {
            let page = DriftReportHTML.render(title: "Drift of \(view.name) over the last \(since) against snapshot \(reference)", drift: drift, samples: tested)
            try page.write(toFile: html, atomically: true, encoding: .utf8)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            print(String(decoding: try encoder.encode(drift), as: UTF8.self))
        } else {
            var table = TextTable("FEATURE", "TEST", "SCORE", "THRESHOLD", "DRIFT", "PSI", "REFERENCE", "CURRENT")
            for f in drift.driftByColumns {
                table.add(f.columnName, f.stattestName ?? "-", f.driftScore.map { String(format: "%.6g", $0) } ?? "-",
                          f.stattestThreshold.map { String(format: "%g", $0) } ?? "-",
                          f.status == .insufficientData ? "insufficient data" : (f.driftDetected == true ? "yes" : "no"),
                          f.psi.map { String(format: "%.4f", $0) } ?? "-", String(f.referenceSize), String(f.currentSize))
            }
            print(table.rendered())
            print("\(drift.numberOfDriftedColumns) of \(drift.numberOfColumns) tested features drifted (share \(String(format: "%.2f", drift.shareOfDriftedColumns))); dataset: \(drift.status.rawValue)")
        }
        switch drift.status {
        case .drift: throw ExitCode(2)
        case .insufficientData: throw ExitCode(3)
        case .noDrift: break
        }
    }
}
