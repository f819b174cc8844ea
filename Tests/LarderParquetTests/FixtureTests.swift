import Foundation
import Larder
import LarderColumnar
import LarderParquet
import Testing

/// Files written by pyarrow (scripts/parquet-interop.py --write-fixtures) with their expected values.
@Suite struct FixtureTests {
    static let names = ["pa_default", "pa_nodict", "pa_uncompressed", "pa_zstd", "pa_pagev2",
                        "pa_pagev2_zstd_nodict", "pa_small_pages", "pa_required", "pa_delta"]

    static func fixture(_ name: String, _ ext: String) throws -> String {
        try #require(Bundle.module.path(forResource: name, ofType: ext, inDirectory: "Fixtures"), "missing fixture \(name).\(ext)")
    }

    /// Whether the boxed value equals the JSON value of the interop dump format.
    static func matches(_ v: Value, _ json: Any) -> Bool {
        switch v {
        case .null: return json is NSNull
        case .bool(let b): return (json as? Bool) == b
        case .int32(let x): return (json as? NSNumber)?.int64Value == Int64(x)
        case .int64(let x): return (json as? NSNumber)?.int64Value == x
        case .timestamp(let t): return (json as? NSNumber)?.int64Value == t.microsecondsSinceEpoch
        case .float32(let x): return matchesDouble(Double(x), json)
        case .float64(let x): return matchesDouble(x, json)
        case .string(let s): return (json as? String) == s
        case .bytes(let b): return (json as? String) == b.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Floats are stored as exact decimal strings ("NaN", "Infinity" included) in the fixtures.
    static func matchesDouble(_ d: Double, _ json: Any) -> Bool {
        guard let s = json as? String, let expected = Double(s) else { return false }
        return expected == d || (expected.isNaN && d.isNaN)
    }

    @Test(arguments: names)
    func readsPyarrowFixture(name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: try Self.fixture(name, "json")))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let columns = try #require(expected["columns"] as? [[String: Any]])
        let batch = try ParquetFile.read(try Self.fixture(name, "parquet"))
        #expect(batch.rowCount == expected["rows"] as? Int)
        #expect(batch.schema.names == columns.map { $0["name"] as? String ?? "" })
        for (i, column) in columns.enumerated() where i < batch.schema.count {
            let field = batch.schema[i]
            #expect(field.type.rawValue == column["type"] as? String, "\(name).\(field.name) type")
            #expect(field.nullable == column["nullable"] as? Bool, "\(name).\(field.name) nullable")
            let values = try #require(column["values"] as? [Any])
            let mismatches = values.indices.filter { !Self.matches(batch.value(row: $0, column: i), values[$0]) }
            #expect(mismatches.isEmpty, "\(name).\(field.name): rows \(mismatches.prefix(5)) differ, e.g. \(mismatches.first.map { "\(batch.value(row: $0, column: i)) vs \(values[$0])" } ?? "")")
        }
    }

    @Test func fixtureMetadataIsExposed() throws {
        let file = try ParquetFile(path: try Self.fixture("pa_small_pages", "parquet"))
        #expect(file.rowCount == 110)
        #expect(file.rowGroups.map(\.rowCount) == [50, 50, 10])
        #expect(file.createdBy?.contains("parquet-cpp-arrow") == true)
        #expect(file.keyValueMetadata["ARROW:schema"] != nil)
        #expect(file.rowGroups[0].columns.first { $0.name == "all_null" }?.nullCount == 50)
        // pyarrow's statistics decode to the extremes of the values read (int64 and ns timestamps).
        let batch = try file.read(columns: ["i64", "ts_ns"])
        for (c, name) in ["i64", "ts_ns"].enumerated() {
            let values = (0..<50).map { batch.value(row: $0, column: c) }.filter { !$0.isNull }
            let info = try #require(file.rowGroups[0].columns.first { $0.name == name })
            #expect(info.minValue == values.min { statOrder($0, $1) }, "\(name) min")
            #expect(info.maxValue == values.max { statOrder($0, $1) }, "\(name) max")
        }
        let zstd = try ParquetFile(path: try Self.fixture("pa_zstd", "parquet"))
        #expect(zstd.rowGroups[0].columns.allSatisfy { $0.compression == "ZSTD" })
    }

    @Test func nestedColumnsAreRejectedByName() throws {
        let path = try Self.fixture("pa_nested", "parquet")
        let file = try ParquetFile(path: path)
        #expect(file.unsupportedColumns.keys.sorted() == ["tags"])
        #expect(file.schema.names == ["id"])
        #expect(try file.read(columns: ["id"]).column(named: "id")?.int64Values == [1, 2, 3])
        let error = try #require(throws: ParquetError.self) { try file.read() }
        #expect(error.kind == .unsupported)
        #expect(error.column == "tags")
        #expect(error.description.contains("pa_nested.parquet") && error.description.contains("nested"))
    }

    @Test func int96IsRejectedByName() throws {
        let error = try #require(throws: ParquetError.self) { try ParquetFile.read(try Self.fixture("pa_int96", "parquet")) }
        #expect(error.kind == .unsupported)
        #expect(error.column == "ts")
        #expect(error.message.contains("INT96"))
    }
}
