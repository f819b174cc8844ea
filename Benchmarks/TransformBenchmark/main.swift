// TransformBenchmark: what a row transform costs a materialization, on the rides data (gen_data.py's
// driver_stats.parquet, or `larder demo-data`). After one uncounted warm-up run, alternates, per round,
// `Materializer.run` of driver_stats into a fresh offline store (--offline-only) without a transform, with issue
// 14's two-line transform (clip conv_rate, quality = acc_rate * 2) and with the rides example's clip_rates (clip both rates,
// quality = conv_rate * acc_rate); then times the transform step alone on the same rows: the columnar
// path (`ViewRowBuilder.build`) against the boxed reference rule (`transformBoxed`, the path before).
//
// usage: TransformBenchmark DATA_DIR [--rounds N]

import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderSources

/// User + system CPU seconds of this process so far (steadier than wall time on a shared machine).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
func fixed(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: TransformBenchmark DATA_DIR [--rounds N]")
    exit(2)
}
let data = arguments[1]
let rounds = arguments.firstIndex(of: "--rounds").flatMap { Int(arguments[$0 + 1]) } ?? 3
/// Only the columnar transform step, repeated (for a profiler).
let stepOnly = arguments.contains("--step-only")

let driver = Entity("driver", joinKey: "driver_id", type: .int64)
let source = Source.parquet("driver_stats", path: "driver_stats.parquet", eventTimestamp: "event_timestamp", created: "created")
let baseFields = [Field("conv_rate", .float32), Field("acc_rate", .float32), Field("avg_daily_trips", .int32)]

let issueTransform = RowTransform("clip_conv", version: 1, produces: ["quality"]) { row in
    if let r = row.double("conv_rate") { row["conv_rate"] = .float32(Float(min(max(r, 0), 1))) }
    row["quality"] = row.double("acc_rate").map { .float32(Float($0 * 2)) } ?? .null
}
let ridesTransform = RowTransform("clip_rates", version: 1, produces: ["quality"]) { row in
    let conv = row.double("conv_rate").map { min(max($0, 0), 1) }
    let acc = row.double("acc_rate").map { min(max($0, 0), 1) }
    if let conv { row["conv_rate"] = .float32(Float(conv)) }
    if let acc { row["acc_rate"] = .float32(Float(acc)) }
    row["quality"] = conv.flatMap { c in acc.map { .float32(Float(c * $0)) } } ?? .null
}

struct Variant {
    let name: String
    let view: FeatureView
}
let variants = [
    Variant(name: "no transform", view: FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: source, fields: baseFields)),
    Variant(name: "issue 14's transform", view: FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: source,
                                                             fields: baseFields + [Field("quality", .float32)], transform: issueTransform)),
    Variant(name: "clip_rates (rides)", view: FeatureView("driver_stats", entities: [driver], ttl: .days(1), source: source,
                                                           fields: baseFields + [Field("quality", .float32)], transform: ridesTransform)),
]

func materialize(_ variant: Variant) throws -> (seconds: Double, rows: Int) {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("larder-transform-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: home) }
    let repository = FeatureRepository(project: "bench", entities: [driver], sources: [source], views: [variant.view],
                                       services: [FeatureService("s", features: [variant.view.allFeatures])])
    let materializer = try Materializer(repository: repository, home: home, dataDirectory: data)
    let start = ContinuousClock.now
    let report = try materializer.run(views: [variant.view], interval: .all, trigger: "bench", online: false)
    return (seconds(ContinuousClock.now - start), report.views[0].rowsOffline)
}

if stepOnly {
    let rows = try SourceReader(dataDirectory: data).read(source)
    let builder = ViewRowBuilder(view: variants[2].view)
    for _ in 1...rounds {
        let start = ContinuousClock.now, cpu = cpuSeconds()
        _ = try builder.build(rows)
        let n = Double(rows.batch.rowCount)
        print("columnar \(fixed(seconds(ContinuousClock.now - start) * 1e9 / n, 0)) ns/row wall, \(fixed((cpuSeconds() - cpu) * 1e9 / n, 0)) ns/row CPU")
    }
    exit(0)
}

// One uncounted run first: the first read of the source file pays the page cache and the allocator's growth.
_ = try materialize(variants[0])
print("materialize driver_stats --offline-only, \(rounds) rounds after one warm-up run, alternating (seconds)")
var totals = [[Double]](repeating: [], count: variants.count)
for round in 1...rounds {
    var line = "round \(round):"
    for (k, variant) in variants.enumerated() {
        let (time, rows) = try materialize(variant)
        totals[k].append(time)
        line += "  \(variant.name) \(fixed(time)) s (\(rows) rows)"
    }
    print(line)
}
for k in 1..<variants.count {
    let ratios = zip(totals[k], totals[0]).map { $0 / $1 }
    print("\(variants[k].name) / no transform: per round \(ratios.map { fixed($0) }.joined(separator: ", ")); " +
          "median of times \(fixed(totals[k].sorted()[rounds / 2] / totals[0].sorted()[rounds / 2]))")
}

// The transform step alone, on rows already read.
let reader = SourceReader(dataDirectory: data)
let rows = try reader.read(source, columns: nil, types: ["driver_id": .int64, "conv_rate": .float32, "acc_rate": .float32, "avg_daily_trips": .int32])
print("\ntransform step alone on \(rows.batch.rowCount) rows (seconds; columnar vs boxed, same run)")
for variant in variants.dropFirst() {
    let builder = ViewRowBuilder(view: variant.view)
    var columnar: [Double] = [], boxed: [Double] = []
    for _ in 1...rounds {
        var start = ContinuousClock.now
        let fast = try builder.build(rows)
        columnar.append(seconds(ContinuousClock.now - start))
        start = ContinuousClock.now
        let slow = try builder.transformBoxed(rows, range: 0..<rows.batch.rowCount)
        boxed.append(seconds(ContinuousClock.now - start))
        guard fast.columns == slow else { fatalError("the columnar and boxed results differ") }
    }
    let c = columnar.sorted()[rounds / 2], b = boxed.sorted()[rounds / 2]
    print("\(variant.name): columnar \(columnar.map { fixed($0, 3) }.joined(separator: " ")), boxed \(boxed.map { fixed($0, 3) }.joined(separator: " ")); " +
          "median \(fixed(c * 1e9 / Double(rows.batch.rowCount), 0)) vs \(fixed(b * 1e9 / Double(rows.batch.rowCount), 0)) ns/row, \(fixed(b / c, 1))x")
}
