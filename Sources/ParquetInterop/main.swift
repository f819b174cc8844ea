// larder-interop: the Swift half of scripts/parquet-interop.py.
//
//   larder-interop write DIR      writes sample files (every type x null pattern x codec x dictionary
//                                 on/off, several row groups) as DIR/<name>.parquet + DIR/<name>.json
//   larder-interop dump FILE...   prints each file's contents as JSON (see JSONDump)
//   larder-interop inspect FILE   prints row count, row groups, codecs and key-value metadata
import Foundation
import Larder
import LarderColumnar
import LarderParquet

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

let args = CommandLine.arguments
guard args.count >= 3 else { fail("usage: larder-interop write DIR | dump FILE... | inspect FILE") }

do {
    switch args[1] {
    case "write":
        let dir = args[2]
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var seed: UInt64 = 1
        var written = 0
        for pattern in NullPattern.allCases {
            for codec in ParquetCompression.allCases {
                for dictionary in [true, false] {
                    seed += 1
                    let batch = SampleTables.make(rows: 537, pattern: pattern, seed: seed)
                    let name = "larder_\(pattern)_\(codec)_\(dictionary ? "dict" : "plain")"
                    let options = ParquetWriteOptions(compression: codec, rowGroupSize: 200, dataPageSize: 1024,
                                                      useDictionary: dictionary, keyValueMetadata: ["larder.sample": name])
                    try ParquetFile.write(batch, to: "\(dir)/\(name).parquet", options: options)
                    try JSONDump.render(batch).write(toFile: "\(dir)/\(name).json", atomically: true, encoding: .utf8)
                    written += 1
                }
            }
        }
        let required = SampleTables.make(rows: 300, pattern: .none, seed: 99, nullable: false)
        try ParquetFile.write(required, to: "\(dir)/larder_required_zstd_dict.parquet")
        try JSONDump.render(required).write(toFile: "\(dir)/larder_required_zstd_dict.json", atomically: true, encoding: .utf8)
        print("wrote \(written + 1) files to \(dir)")
    case "dump":
        for path in args.dropFirst(2) {
            print(JSONDump.render(try ParquetFile.read(path)), terminator: "")
        }
    case "inspect":
        let file = try ParquetFile(path: args[2])
        print("rows: \(file.rowCount), row groups: \(file.rowGroups.count), created by: \(file.createdBy ?? "?")")
        print("schema: \(file.schema)")
        for (k, v) in file.unsupportedColumns.sorted(by: { $0.key < $1.key }) { print("unsupported column \(k): \(v)") }
        for (i, g) in file.rowGroups.enumerated() {
            print("row group \(i): \(g.rowCount) rows")
            for c in g.columns {
                let range = c.minValue.map { "min \($0), max \(c.maxValue.map { "\($0)" } ?? "?")" } ?? "no min/max"
                print("  \(c.name): \(c.compression) \(c.encodings.joined(separator: ",")) \(c.compressedSize)/\(c.uncompressedSize) bytes, nulls \(c.nullCount.map(String.init) ?? "?"), \(range)")
            }
        }
        for (k, v) in file.keyValueMetadata.sorted(by: { $0.key < $1.key }) { print("metadata \(k) = \(v.prefix(120))") }
    default:
        fail("unknown command \(args[1])")
    }
} catch {
    fail("error: \(error)")
}
