import Foundation
import Larder
import LarderColumnar
import LarderParquet
import Testing

/// Damaged input must produce a `ParquetError`, never a crash, hang or out-of-bounds read.
@Suite struct MalformedFileTests {
    func validFileBytes(_ dir: TempDir, codec: ParquetCompression = .zstd) throws -> [UInt8] {
        let batch = makeBatch(rows: 120, pattern: .random, seed: 9)
        let path = dir.file("valid.parquet")
        try ParquetFile.write(batch, to: path, options: ParquetWriteOptions(compression: codec, rowGroupSize: 50, dataPageSize: 1024))
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func readBytes(_ bytes: [UInt8], _ dir: TempDir) -> Result<ColumnBatch, ParquetError> {
        let path = dir.file("damaged.parquet")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return Result { () throws(ParquetError) in try ParquetFile.read(path) }
    }

    @Test func missingAndNonParquetFiles() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let missing = try #require(throws: ParquetError.self) { try ParquetFile.read(dir.file("absent.parquet")) }
        #expect(missing.kind == .io && missing.file.hasSuffix("absent.parquet"))
        for bytes in [[], Array("hello".utf8), Array("PAR1 this is not parquet at all".utf8)] {
            guard case .failure(let e) = readBytes(bytes, dir) else { Issue.record("accepted \(bytes)"); continue }
            #expect(e.kind == .notParquet)
        }
    }

    @Test func badFooterLength() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var bytes = try validFileBytes(dir)
        let n = bytes.count
        bytes[n - 8] = 0xFF; bytes[n - 7] = 0xFF; bytes[n - 6] = 0xFF; bytes[n - 5] = 0x7F
        guard case .failure(let e) = readBytes(bytes, dir) else { Issue.record("accepted a huge footer length"); return }
        #expect(e.kind == .malformed && e.message.contains("footer length"))
    }

    @Test func everyTruncationFails() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let bytes = try validFileBytes(dir)
        for length in stride(from: 0, to: bytes.count, by: 7) {
            if case .success = readBytes(Array(bytes[0..<length]), dir) { Issue.record("accepted a file truncated to \(length) bytes") }
        }
    }

    @Test func corruptCompressedPageFails() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var bytes = try validFileBytes(dir, codec: .zstd)
        let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
        let at = try #require((0..<bytes.count - 4).first { Array(bytes[$0..<$0 + 4]) == zstdMagic })
        bytes[at] = 0
        guard case .failure(let e) = readBytes(bytes, dir) else { Issue.record("accepted a corrupt ZSTD frame"); return }
        #expect(e.kind == .malformed && e.message.contains("ZSTD"))
        #expect(e.column != nil, "names the column")
    }

    @Test(arguments: ParquetCompression.allCases)
    func randomByteCorruptionNeverCrashes(codec: ParquetCompression) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let original = try validFileBytes(dir, codec: codec)
        var rng = SplitMix64(seed: 31337 &+ UInt64(codec.rawValue.count))
        var failures = 0
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            switch readBytes(bytes, dir) {
            case .success(let batch): #expect(batch.rowCount == 120)
            case .failure(let e): #expect(!e.message.isEmpty); failures += 1
            }
        }
        #expect(failures > 0, "some corruptions must be detected")
    }

    /// pyarrow-written files exercise dictionary pages, v2 pages and the DELTA/BYTE_STREAM_SPLIT decoders.
    @Test(arguments: FixtureTests.names)
    func corruptedFixturesNeverCrash(name: String) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: try FixtureTests.fixture(name, "parquet"))))
        var rng = SplitMix64(seed: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        var failures = 0
        for _ in 0..<150 {
            var bytes = original
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            switch readBytes(bytes, dir) {
            case .success(let batch): #expect(batch.schema.count > 0)
            case .failure(let e): #expect(!e.file.isEmpty); failures += 1
            }
        }
        #expect(failures > 0, "some corruptions must be detected")
    }
}
