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
        abstract: "Write the rides example data: driver_stats, customer_stats and orders.",
        discussion: """
            The same schema and layout as the benchmark generator gen_data.py: hourly driver rows (with 1%
            late corrections sharing an event time but a later `created`), daily customer rows, and orders
            (entity rows with the label trip_completed). Deterministic for a scale and seed.
            Without --start the data ends at the current hour, so online values are fresh.

            Examples:
              larder demo-data data                          # scale S, Parquet, ending now
              larder demo-data --scale XS --format csv data
              larder demo-data --scale M --start 2026-01-01T00:00:00Z bench-data
            """)

    @Option(help: "XS (100 drivers, 7 days), S (1,000 drivers, 30 days) or M (10,000 drivers, 30 days).")
    var scale: String = "S"

    @Option(help: "Random seed.")
    var seed: UInt64 = 7

    @Option(help: "First hour of the data (ISO-8601). Default: so that the data ends at the current hour.")
    var start: String?

    @Option(help: "parquet or csv.")
    var format: String = "parquet"

    @Argument(help: "Directory to write into (created when missing).")
    var directory: String

    func run() throws {
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
        let files = try data.write(to: directory, format: format, writer: format == .parquet ? ParquetBatchWriter() : nil)
        print("scale \(scale.rawValue.uppercased()) from \(first.iso8601(fractionalDigits: 0)): driver_stats \(data.driverStats.rowCount) rows, "
              + "customer_stats \(data.customerStats.rowCount) rows, orders \(data.orders.rowCount) rows")
        for file in files { print("  wrote \(file)") }
        print(String(format: "in %.2f s", Date().timeIntervalSince(started)))
    }
}

/// Writes demo batches as ZSTD Parquet.
struct ParquetBatchWriter: BatchFileWriter {
    func write(_ batch: ColumnBatch, to path: String) throws {
        try ParquetFile.write(batch, to: path)
    }
}
