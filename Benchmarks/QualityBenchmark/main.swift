// Times each kind of data quality expectation over N generated driver rows (default 5 M): int64 keys (100,000
// drivers), unique event times, float32 rates, int32 trips, a 3-value string column. Built by
// scripts/bench-quality.sh (optimized, outside the package: it needs only Larder, LarderColumnar and the checker).
import Larder
import LarderColumnar
import LarderQuality
import Dispatch
import Foundation

let n = Int(CommandLine.arguments.dropFirst().first ?? "5000000")!
var rng = SplitMix64(seed: 1)
let t0: Int64 = 1_767_225_600_000_000
var ids = [Int64](), times = [Int64](), rates = [Float](), trips = [Int32]()
ids.reserveCapacity(n); times.reserveCapacity(n); rates.reserveCapacity(n); trips.reserveCapacity(n)
var pay = ColumnBuilder(type: .string, capacity: n)
let options = ["card", "cash", "wallet"]
for i in 0..<n {
    ids.append(Int64(rng.integer(below: 100_000)))
    times.append(t0 + Int64(i) * 1_000_000)
    rates.append(rng.uniformFloat())
    trips.append(Int32(rng.integer(below: 1000)))
    pay.append(string: options[i % 3])
}
let batch = try ColumnBatch(["driver_id": Column(int64: ids), "event_timestamp": Column(timestampMicros: times),
                             "created": Column(timestampMicros: times), "conv_rate": Column(float32: rates),
                             "trips": Column(int32: trips), "payment": pay.finish()])
let asOf = Timestamp(microsecondsSinceEpoch: t0 + Int64(n) * 1_000_000)
let cases: [QualityExpectation] = [.notNull("conv_rate"), .between("conv_rate", 0, 1), .atLeast("trips", 0),
    .inSet("payment", ["card", "cash", "wallet"]), .uniquePerEntityAndTime, .mean("conv_rate", between: 0, 1),
    .stddev("conv_rate", between: 0, 1), .rowCount(atLeast: 1), .maxStaleness(.hours(2))]
var total = 0.0
for e in cases {
    let checker = ExpectationChecker(view: "v", joinKeys: ["driver_id"], expectations: [e])
    let start = DispatchTime.now().uptimeNanoseconds
    let r = checker.check(batch, asOf: asOf).results[0]
    let s = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    total += s
    print("\(e.description.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%.3f", s)) s  passed=\(r.passed)")
}
print("all \(cases.count) on \(n) rows: \(String(format: "%.3f", total)) s")
