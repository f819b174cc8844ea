import ArgumentParser
import Foundation
import Larder
import LarderColumnar
import LarderDemoData
import LarderParquet

/// `larder demo-data DIR`: the rides example data, as ../shared/bench/gen_data.py lays it out.
struct DemoDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Write the rides example data: driver_stats, customer_stats, orders, trips and trip_requests.",
        discussion: """
            The same schema and layout as the benchmark generator gen_data.py: hourly driver rows (with 1%
            late corrections sharing an event time but a later `created`), daily customer rows, orders
            (entity rows with the label trip_completed), trips: raw trip events for window aggregations, five per
            order over the same time range (fare, distance_km, rating, payment; some fares and ratings null, some
            rows late, tied or on exact 5-minute, hour and order times), and trip_requests: the orders with each
            trip's distance_km, the entity rows of rides_plus training sets (its trip_request features read
            distance_km). Deterministic for a scale and seed.
            Without --start the data ends at the current hour, so online values are fresh.

            Examples:
              larder demo-data data                          # scale S, Parquet, ending now
              larder demo-data --scale XS --format csv data
              larder demo-data --scale M --start 2026-01-01T00:00:00Z bench-data
              larder demo-data --scale XS --append-latest data   # one new row per driver, timed 2 s ahead

            --append-latest adds one driver_stats row per driver of --scale, with event and created time
            two seconds from now (so a scheduled run during the rewrite cannot pass them by), to the file
            already in DIRECTORY (Parquet is rewritten and renamed into place, CSV gets lines appended): a
            running `larder serve` brings them online at its next scheduled run after that time.
            """)

    @Option(help: "XS (100 drivers, 7 days), S (1,000 drivers, 30 days) or M (10,000 drivers, 30 days).")
    var scale: String = "S"

    @Option(help: "Random seed.")
    var seed: UInt64 = 7

    @Option(help: "First hour of the data (ISO-8601). Default: so that the data ends at the current hour.")
    var start: String?

    @Option(help: "parquet or csv.")
    var format: String = "parquet"

    @Flag(help: "Append one driver_stats row per driver, timed 2 s from now, to the data already in DIRECTORY.")
    var appendLatest = false

    @Argument(help: "Directory to write into (created when missing).")
    var directory: String

    func run() throws {
        if appendLatest { return try appendLatestRows() }
        guard let scale = RidesScale(name: scale) else {
            throw ValidationError("unknown scale \(self.scale): use XS, S or M")
        }
        guard let format = RidesDataGenerator.Format(rawValue: format.lowercased()) else {
            throw ValidationError("unknown format \(self.format): use parquet or csv")
        }
        let first: Timestamp
        if let start {
            first = try Timestamp(parsing: start)
        } else {
            first = Timestamp.now().startOfHour.adding(.hours(-Int64(scale.hours)))
        }
        let started = Date()
        let data = RidesDataGenerator(scale: scale, seed: seed, start: first)
        let writer: any BatchFileWriter = format == .parquet ? ParquetBatchWriter() : GenDataCSVWriter()
        var files = try data.write(to: directory, format: format, writer: writer)
        // The orders with each trip's distance_km: entity rows for training sets with trip_request's features.
        let requests = directory + "/trip_requests." + format.fileExtension
        try writer.write(data.tripRequests, to: requests)
        files.append(requests)
        print("scale \(scale.rawValue.uppercased()) from \(first.iso8601(fractionalDigits: 0)): driver_stats \(data.driverStats.rowCount) rows, "
              + "customer_stats \(data.customerStats.rowCount) rows, orders \(data.orders.rowCount) rows (also as trip_requests, with distance_km), "
              + "trips \(scale.trips) rows")
        for file in files { print("  wrote \(file)") }
        print(String(format: "in %.2f s", Date().timeIntervalSince(started)))
    }
}

extension DemoDataCommand {
    /// `--append-latest`: grows the driver_stats source the way an hourly pipeline would.
    func appendLatestRows() throws {
        guard let scale = RidesScale(name: scale) else { throw ValidationError("unknown scale \(self.scale): use XS, S or M") }
        // Timed two seconds ahead: a scheduled run that starts while the file is being replaced still reads
        // the old file and moves the watermark to its start; rows timed before that would be late rows, taken
        // only by the run after (through their created time), a period later. Two seconds outlast the rewrite.
        let now = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch / 1_000_000 * 1_000_000 + 2_000_000)
        let rows = RidesDataGenerator.latestDriverStats(drivers: scale.drivers, at: now, seed: seed)
        let parquet = directory + "/driver_stats.parquet", csv = directory + "/driver_stats.csv"
        let path: String
        if FileManager.default.fileExists(atPath: parquet) {
            path = parquet
            let existing = try ParquetFile.read(parquet)
            guard existing.schema.fields.map(\.name) == rows.schema.fields.map(\.name) else {
                throw CLIError("\(parquet) has columns \(existing.schema.fields.map(\.name)), not the rides driver_stats columns; regenerate it with `larder demo-data`")
            }
            // ParquetFile.write renames a finished file into place: a reader sees the old or the new file.
            try ParquetFile.write(try ColumnBatch.concatenate([existing, rows]), to: parquet)
        } else if FileManager.default.fileExists(atPath: csv) {
            path = csv
            let text = try GenDataCSVWriter().encode(rows)
            guard let header = text.firstIndex(of: UInt8(ascii: "\n")), let handle = FileHandle(forUpdatingAtPath: csv) else {
                throw CLIError("cannot append to \(csv)")
            }
            defer { try? handle.close() }
            // A file whose last line has no newline would have the first new row glued to it.
            var lines = Data(text[(header + 1)...])
            if try handle.seekToEnd() > 0 {
                try handle.seek(toOffset: try handle.offset() - 1)
                if try handle.read(upToCount: 1) != Data("\n".utf8) { lines.insert(UInt8(ascii: "\n"), at: 0) }
            }
            try handle.seekToEnd()
            try handle.write(contentsOf: lines)
        } else {
            throw CLIError("no driver_stats.parquet or driver_stats.csv in \(directory): run `larder demo-data \(directory)` first")
        }
        print("appended \(rows.rowCount) driver_stats rows at \(now.iso8601(fractionalDigits: 0)) to \(path)")
        let row = min(1, rows.rowCount - 1)
        print("  driver \(rows.value(row: row, column: 0)): conv_rate \(rows.value(row: row, column: 3)), "
              + "acc_rate \(rows.value(row: row, column: 4)), avg_daily_trips \(rows.value(row: row, column: 5))")
    }
}

/// Writes demo batches as ZSTD Parquet.
struct ParquetBatchWriter: BatchFileWriter {
    func write(_ batch: ColumnBatch, to path: String) throws {
        try ParquetFile.write(batch, to: path)
    }
}
