// Runs the decoders' seeded mutation fuzzers for many more cases than the test suite does, on all cores,
// and prints how the cases ended (correct reads, clean errors by kind, oracle violations).
//
//   DecoderFuzz [--cases N | --minutes M] [--seed S] [--only parquet,csv,redis,json] [--fixtures DIR]
//
// Exits 1 if any case broke an oracle (a crash ends the process with its signal).
import Dispatch
import Foundation
import LarderFuzzing

var casesPerFuzzer = 250_000
var minutes: Double?
var seed: UInt64 = 0xDEC0DE
var only: Set<String> = ["parquet", "csv", "redis", "json"]
var fixtures: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--cases": casesPerFuzzer = Int(arguments.next() ?? "") ?? casesPerFuzzer
    case "--minutes": minutes = Double(arguments.next() ?? "")
    case "--seed": seed = UInt64(arguments.next() ?? "") ?? seed
    case "--only": only = Set((arguments.next() ?? "").split(separator: ",").map(String.init))
    case "--fixtures": fixtures = arguments.next()
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

/// Runs `run` in batches of 500 cases, one batch per core at a time, until `cases` cases or `seconds` pass.
func fuzz(_ run: @escaping @Sendable (Int, Int) -> FuzzReport, cases: Int, seconds: Double?) -> FuzzReport? {
    let batch = 500
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let start = Date()
    var report: FuzzReport?
    var next = 0
    while seconds.map({ Date().timeIntervalSince(start) < $0 }) ?? (next < cases) {
        let rounds = seconds == nil ? min(cores, (cases - next + batch - 1) / batch) : cores
        let firsts = (0..<rounds).map { next + $0 * batch }
        let counts = firsts.map { seconds == nil ? min(batch, cases - $0) : batch }
        let results = firsts.map { _ in FuzzReportBox() }
        DispatchQueue.concurrentPerform(iterations: rounds) { i in results[i].report = run(counts[i], firsts[i]) }
        for r in results.compactMap(\.report) {
            if report == nil { report = r } else { report!.merge(r) }
        }
        next += rounds * batch
    }
    return report
}

/// Sets up the fuzzers and runs them; returns the oracle violations.
func fuzzAll(casesPerFuzzer: Int, minutes: Double?, seed: UInt64, only: Set<String>, fixtures: String?) throws -> Int {
    let extraFiles = fixtures.map { dir in
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".parquet") }.sorted().map { dir + "/" + $0 }
    } ?? []
    let parquet = try ParquetFuzzer(seed: seed, extraFiles: extraFiles)
    defer { parquet.cleanup() }
    let csv = CSVFuzzer(seed: seed)
    let redis = RedisReplyFuzzer(seed: seed)
    let json = JSONBodyFuzzer(seed: seed)
    typealias Run = @Sendable (Int, Int) -> FuzzReport
    let runParquet: Run = { [parquet] in parquet.run(cases: $0, first: $1) }
    let runCSV: Run = { [csv] in csv.run(cases: $0, first: $1) }
    let runRedis: Run = { [redis] in redis.run(cases: $0, first: $1) }
    let runJSON: Run = { [json] in json.run(cases: $0, first: $1) }
    var fuzzers: [(name: String, run: Run)] = []
    for (name, run) in [("parquet", runParquet), ("csv", runCSV), ("redis", runRedis), ("json", runJSON)] where only.contains(name) {
        fuzzers.append((name, run))
    }

    let started = Date()
    var total = 0
    for (name, run) in fuzzers {
        let fuzzStart = Date()
        // With --minutes, each fuzzer gets an equal share of the time.
        let share = minutes.map { $0 * 60 / Double(fuzzers.count) }
        guard let report = fuzz(run, cases: casesPerFuzzer, seconds: share) else { continue }
        total += report.violationCount
        let seconds = Date().timeIntervalSince(fuzzStart)
        print("\(report) [\(name), \(String(format: "%.0f", seconds)) s, \(String(format: "%.0f", Double(report.cases) / max(seconds, 0.001))) cases/s]")
        for v in report.violations { print("  violation: \(v)") }
    }
    print("seed \(seed); \(ProcessInfo.processInfo.activeProcessorCount) cores; \(String(format: "%.0f", Date().timeIntervalSince(started))) s in all; \(total) oracle violations")
    return total
}

exit(try fuzzAll(casesPerFuzzer: casesPerFuzzer, minutes: minutes, seed: seed, only: only, fixtures: fixtures) == 0 ? 0 : 1)

/// One batch's report, written by its `concurrentPerform` iteration and read after all have finished.
final class FuzzReportBox: @unchecked Sendable {
    var report: FuzzReport?
}
