// CSVBenchmark: times Larder's CSV reader and writer and the rides generator (release builds only).
//
//   CSVBenchmark read FILE [--threads N] [--repeat N]   read with gen_data's driver_stats schema
//   CSVBenchmark infer FILE [--repeat N]                read with an inferred schema
//   CSVBenchmark write FILE OUT [--pyarrow-layout]       read FILE (driver_stats schema), time writing OUT
//   CSVBenchmark generate XS|S|M|L DIR [--seed N]        time the rides generator and its CSV files
//   CSVBenchmark checksum FILE                           per-column sums of driver_stats, to compare with pyarrow
//
// Prints one `key=value` line per measurement (seconds, rows, peak RSS in MiB) for scripts/bench-csv.sh.

import Larder
import LarderColumnar
import LarderCSV
import LarderDemoData

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds rounded to milliseconds, for printing.
func ms(_ s: Double) -> Double { (s * 1000).rounded() / 1000 }

func seconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}

func option(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func fail(_ message: String) -> Never {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(2)
}

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else {
    fail("usage: CSVBenchmark read|infer|write|generate ... (see the comment at the top of main.swift)")
}
let repeats = Int(option("--repeat", in: args) ?? "1") ?? 1
var readOptions = CSVReadOptions()
if let threads = option("--threads", in: args).flatMap(Int.init) { readOptions.threads = max(1, threads) }

do {
    switch command {
    case "read", "infer":
        guard args.count >= 2 else { fail("usage: CSVBenchmark \(command) FILE") }
        let reader = CSVReader(schema: command == "read" ? RidesDataGenerator.driverStatsSchema : nil, options: readOptions)
        var best = Double.infinity
        var rows = 0
        for _ in 0..<repeats {
            let t0 = seconds()
            let batch = try reader.read(path: args[1])
            best = min(best, seconds() - t0)
            rows = batch.rowCount
        }
        print("larder_\(command)_seconds=\(ms(best)) rows=\(rows) threads=\(readOptions.threads) peak_rss_mib=\(ms(peakRSSMiB()))")
    case "write":
        guard args.count >= 3 else { fail("usage: CSVBenchmark write FILE OUT") }
        let batch = try CSVReader(schema: RidesDataGenerator.driverStatsSchema, options: readOptions).read(path: args[1])
        let t0 = seconds()
        let layout = CSVWriteOptions(quoting: args.contains("--pyarrow-layout") ? .textAlways : .needed)
        try CSVWriter(options: layout).write(batch, to: args[2])
        print("larder_write_seconds=\(ms(seconds() - t0)) rows=\(batch.rowCount) peak_rss_mib=\(ms(peakRSSMiB()))")
    case "generate":
        guard args.count >= 3, let scale = RidesScale(name: args[1]) else { fail("usage: CSVBenchmark generate XS|S|M|L DIR") }
        let seed = UInt64(option("--seed", in: args) ?? "7") ?? 7
        let t0 = seconds()
        let rides = RidesDataGenerator(scale: scale, seed: seed)
        let t1 = seconds()
        try rides.write(to: args[2], format: .csv)
        let t2 = seconds()
        print("larder_generate_seconds=\(ms(t1 - t0)) larder_generate_csv_seconds=\(ms(t2 - t1)) driver_rows=\(rides.driverStats.rowCount) customer_rows=\(rides.customerStats.rowCount) order_rows=\(rides.orders.rowCount) peak_rss_mib=\(ms(peakRSSMiB()))")
    case "checksum":
        guard args.count >= 2 else { fail("usage: CSVBenchmark checksum FILE") }
        let batch = try CSVReader(schema: RidesDataGenerator.driverStatsSchema, options: readOptions).read(path: args[1])
        let sums = batch.columns.map { column -> String in
            switch column.type {
            case .float32: String(column.float32Values.reduce(0.0) { $0 + Double($1) })
            case .int32: String(column.int32Values.reduce(Int64(0)) { $0 + Int64($1) })
            default: String(column.int64Values.reduce(Int64(0), &+))
            }
        }
        print("rows=\(batch.rowCount) " + zip(batch.schema.names, sums).map { "\($0)=\($1)" }.joined(separator: " "))
    default:
        fail("unknown command \(command); use read, infer, write, generate or checksum")
    }
} catch {
    fail("error: \(error)")
}
