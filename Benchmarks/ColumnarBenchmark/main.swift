// Release-build benchmark of the Parquet codec and batch sorting.
//
//   ColumnarBenchmark read FILE [REPEAT]          full read (all columns)
//   ColumnarBenchmark columns FILE                each column alone (best of 3)
//   ColumnarBenchmark write FILE OUT [CODEC]      read FILE, then time writing it to OUT (zstd|snappy|uncompressed)
//   ColumnarBenchmark sort FILE KEY...            read FILE, then time sortIndices by the keys + gather
// Prints "<what> <seconds> s, peak RSS <MiB> MiB, cpu <seconds> s" per timed step.
import Foundation
import Larder
import LarderColumnar
import LarderParquet

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Process CPU time (user + system) so far: on a shared, loaded machine CPU time is steadier than wall time.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

var cpuMark = cpuSeconds()

/// Prints "<what> <wall> s, peak RSS <MiB> MiB, cpu <s> s" (cpu since the previous report).
@MainActor func report(_ what: String, _ seconds: Double) {
    let cpu = cpuSeconds()
    print(String(format: "%@ %.3f s, peak RSS %.0f MiB, cpu %.3f s", what, seconds, peakRSSMiB(), cpu - cpuMark))
    cpuMark = cpu
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    print("usage: ColumnarBenchmark read FILE [REPEAT] | write FILE OUT [CODEC] | sort FILE KEY...")
    exit(2)
}
do {
    switch args[1] {
    case "read":
        let repeats = args.count > 3 ? Int(args[3]) ?? 1 : 1
        for _ in 0..<repeats {
            let t0 = now()
            let batch = try ParquetFile.read(args[2])
            report("read \(batch.rowCount) rows x \(batch.schema.count) columns", now() - t0)
        }
    case "columns":
        let file = try ParquetFile(path: args[2])
        for name in file.schema.names {
            var best = Double.infinity
            for _ in 0..<3 {
                let t0 = now()
                _ = try file.read(columns: [name])
                best = min(best, now() - t0)
            }
            report("read column \(name) (best of 3)", best)
        }
    case "write":
        guard args.count >= 4 else { print("write needs FILE OUT"); exit(2) }
        let batch = try ParquetFile.read(args[2])
        let codec = args.count > 4 ? ParquetCompression(rawValue: args[4]) ?? .zstd : .zstd
        cpuMark = cpuSeconds()
        let t0 = now()
        try ParquetFile.write(batch, to: args[3], options: ParquetWriteOptions(compression: codec))
        report("write \(batch.rowCount) rows (\(codec))", now() - t0)
    case "sort":
        let batch = try ParquetFile.read(args[2])
        let keys = args.dropFirst(3).map { SortKey($0) }
        cpuMark = cpuSeconds()
        let t0 = now()
        let order = try batch.sortIndices(by: keys)
        let t1 = now()
        report("sortIndices(\(keys.map(\.column).joined(separator: ","))) of \(batch.rowCount) rows", t1 - t0)
        let sorted = batch.gather(order)
        report("gather of \(sorted.rowCount) rows x \(sorted.schema.count) columns", now() - t1)
    default:
        print("unknown mode \(args[1])")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
