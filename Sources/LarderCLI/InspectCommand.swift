import ArgumentParser
import Foundation
import Larder
import LarderCSV
import LarderColumnar
import LarderParquet

/// `larder inspect FILE`: what is in a Parquet or CSV file.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a Parquet or CSV file's schema, row count, row groups, compression and first rows.",
        discussion: """
            Parquet files show their footer (row groups, codecs, encodings, key-value metadata such as
            Larder's lineage); CSV files show the inferred schema. A file whose columns would decode to
            more than --max-decoded-bytes (default 4GiB) is refused with an error instead of read.

            Examples:
              larder inspect data/driver_stats.parquet
              larder inspect --rows 3 --json data/orders.csv
              larder inspect --max-decoded-bytes 16GiB big.parquet
            """)

    @Option(help: "How many rows to print.")
    var rows: Int = 5

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    @Argument(help: "A .parquet or .csv file.")
    var file: String

    @OptionGroup var decoding: DecodingOptions

    func run() throws {
        guard FileManager.default.fileExists(atPath: file) else { throw CLIError("\(file) does not exist") }
        if file.lowercased().hasSuffix(".csv") {
            let options = decoding.csv
            let batch = try CSVReader(schema: try CSVReader.inferSchema(path: file, options: options), options: options).read(path: file)
            output(format: "csv", batch: batch, rowGroups: [], metadata: [:])
        } else {
            let parquet = try ParquetFile(path: file, options: decoding.parquet)
            let batch = try parquet.read().slice(0..<min(rows, parquet.rowCount))
            output(format: "parquet", batch: batch, totalRows: parquet.rowCount, rowGroups: parquet.rowGroups,
                   metadata: parquet.keyValueMetadata)
        }
    }

    private func output(format: String, batch: ColumnBatch, totalRows: Int? = nil, rowGroups: [ParquetRowGroupInfo],
                        metadata: [String: String]) {
        let total = totalRows ?? batch.rowCount
        let shown = batch.slice(0..<min(rows, batch.rowCount))
        if json {
            var object: [String: Any] = [
                "file": file, "format": format, "rows": total,
                "schema": batch.schema.fields.map { ["name": $0.name, "type": $0.type.rawValue, "nullable": $0.nullable] },
                "row_groups": rowGroups.map { group in
                    ["rows": group.rowCount, "columns": group.columns.map { ["name": $0.name, "compression": $0.compression, "encodings": $0.encodings] }]
                },
                "first_rows": (0..<shown.rowCount).map { r in
                    Dictionary(uniqueKeysWithValues: shown.schema.fields.enumerated().map { c, f in (f.name, JSONValue.any(shown.value(row: r, column: c))) })
                },
            ]
            if !metadata.isEmpty { object["metadata"] = metadata }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(file): \(format), \(total) rows, \(batch.schema.count) columns")
        var schema = TextTable("COLUMN", "TYPE", "NULLABLE")
        for f in batch.schema.fields { schema.add(f.name, f.type.rawValue, f.nullable ? "yes" : "no") }
        print(schema.rendered())
        if !rowGroups.isEmpty {
            let codecs = Set(rowGroups.flatMap { $0.columns.map(\.compression) }).sorted().joined(separator: ", ")
            print("row groups: \(rowGroups.count) (\(rowGroups.map { String($0.rowCount) }.joined(separator: ", ")) rows), compression: \(codecs)")
        }
        for (k, v) in metadata.sorted(by: { $0.key < $1.key }) where !k.hasPrefix("ARROW") { print("metadata \(k) = \(v.prefix(120))") }
        var table = TextTable(headers: shown.schema.names)
        for r in 0..<shown.rowCount { table.add(row: (0..<shown.schema.count).map { shown.value(row: r, column: $0).description }) }
        print("first \(shown.rowCount) rows:")
        print(table.rendered())
    }
}

/// Values as JSON-compatible objects for `--json` output.
enum JSONValue {
    static func any(_ value: Value) -> Any {
        switch value {
        case .null: NSNull()
        case .bool(let b): b
        case .int32(let v): Int(v)
        case .int64(let v): Int(v)
        case .float32(let v): Double(v)
        case .float64(let v): v
        case .string(let s): s
        case .bytes(let b): b.map { String(format: "%02x", $0) }.joined()
        case .timestamp(let t): t.description
        }
    }
}
