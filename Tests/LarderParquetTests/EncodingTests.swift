import Larder
@testable import LarderParquet
import Testing

/// Decodes `count` RLE/bit-packed values (manual buffers keep typed throws away from rethrowing closures).
func decodeRLE(_ bytes: [UInt8], bitWidth: Int, count: Int, limit: UInt32) throws(ParquetError) -> [UInt32] {
    let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
    let out = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(count, 1))
    defer {
        raw.deallocate()
        out.deallocate()
    }
    raw.copyBytes(from: bytes)
    var decoder = try RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: raw[0..<bytes.count]), bitWidth: bitWidth)
    try decoder.decode(into: UnsafeMutableBufferPointer(rebasing: out[0..<count]), limit: limit)
    return Array(out[0..<count])
}

/// Runs `body` with a Thrift reader over `bytes`; returns the reader's final position.
func withThriftReader(_ bytes: [UInt8], _ body: (inout ThriftCompactReader) throws(ParquetError) -> Void) throws(ParquetError) -> Int {
    let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
    defer { raw.deallocate() }
    raw.copyBytes(from: bytes)
    var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: raw[0..<bytes.count]))
    try body(&reader)
    return reader.position
}

@Suite struct EncodingTests {
    @Test func rleHybridRoundTripsRandomRuns() throws {
        var rng = SplitMix64(seed: 8)
        for _ in 0..<200 {
            let width = Int(rng.next() % 21)
            let maxValue = width == 0 ? 0 : (UInt32(1) << UInt32(width)) - 1
            var values: [UInt32] = []
            while values.count < Int(rng.next() % 600) {
                let v = maxValue == 0 ? 0 : UInt32(rng.next() % UInt64(maxValue + 1))
                let run = rng.next() % 3 == 0 ? Int(rng.next() % 40) : 1
                values.append(contentsOf: repeatElement(v, count: run))
            }
            var encoder = RLEHybridEncoder(bitWidth: width)
            values.withUnsafeBufferPointer { encoder.append(contentsOf: $0) }
            let bytes = encoder.finish()
            let decoded = try decodeRLE(bytes, bitWidth: width, count: values.count, limit: maxValue + 1)
            #expect(decoded == values)
        }
    }

    @Test func rleDecoderRejectsOutOfRangeAndTruncatedRuns() throws {
        // RLE run of 4 copies of value 5 with a dictionary of 3 entries.
        let run: [UInt8] = [4 << 1, 5]
        #expect(try decodeRLE(run, bitWidth: 3, count: 4, limit: 6) == [5, 5, 5, 5])
        #expect(throws: ParquetError.self) { try decodeRLE(run, bitWidth: 3, count: 4, limit: 3) }
        // A bit-packed header announcing 10 groups with 1 byte of data.
        let packed: [UInt8] = [10 << 1 | 1, 0xFF]
        #expect(throws: ParquetError.self) { try decodeRLE(packed, bitWidth: 8, count: 80, limit: 256) }
    }

    @Test func thriftReaderSkipsUnknownFieldsOfEveryType() throws {
        var w = ThriftCompactWriter()
        w.writeStruct { w in
            w.field(1, i32: 7)
            w.field(2, struct: { w in
                w.field(1, binary: [1, 2, 3])
                w.field(40, i64: -5)
            })
            w.field(3, stringList: ["a", "bc"])
            w.field(4, bool: true)
            w.field(20, structList: [1, 2, 3]) { w, v in w.field(1, i32: Int32(v)) }
            w.field(21, i64: 1 << 40)
        }
        var kept: [Int16] = []
        var value: Int32 = 0
        let end = try withThriftReader(w.bytes) { (r) throws(ParquetError) in
            try r.readStruct { r, id, type throws(ParquetError) in
                if id == 21 {
                    kept.append(id)
                    let v = try r.readI64()
                    #expect(v == 1 << 40)
                    return true
                }
                if id == 1 {
                    value = try r.readI32()
                    return true
                }
                return false
            }
        }
        #expect(end == w.bytes.count)
        #expect(value == 7)
        #expect(kept == [21])
    }

    @Test func thriftReaderRejectsHostileInput() {
        // 100 nested structs (field 1, type struct) exceed the depth limit.
        let deep = [UInt8](repeating: 0x1C, count: 100)
        // A binary field claiming 2^40 bytes.
        let huge: [UInt8] = [0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]
        for bytes in [deep, huge, [0x15]] {
            #expect(throws: ParquetError.self) {
                try withThriftReader(bytes) { (r) throws(ParquetError) in _ = try r.readFileMetaData() }
            }
        }
    }

    func decodeDelta(_ bytes: [UInt8], count: Int) throws(ParquetError) -> [Int64] {
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        defer { raw.deallocate() }
        raw.copyBytes(from: bytes)
        var decoder = try DeltaBinaryPackedDecoder(UnsafeRawBufferPointer(rebasing: raw[0..<bytes.count]))
        return try decoder.decodeAll(expected: count)
    }

    @Test func deltaBinaryPackedDecodesSpecExamples() throws {
        // Block of 128 values in 4 miniblocks, 5 values, first value 1, min delta 1, all widths 0: 1...5.
        let consecutive: [UInt8] = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0]
        #expect(try decodeDelta(consecutive, count: 5) == [1, 2, 3, 4, 5])
        // Values 7, 5, 3, 1, 2, 3, 4, 5: first 7 (zigzag 14), min delta -2 (zigzag 3), deltas above min
        // 0,0,0,3,3,3,3 packed in 2 bits of the first miniblock (32 values = 8 bytes).
        var packed: [UInt8] = [0x80, 0x01, 0x04, 0x08, 14, 3, 2, 0, 0, 0]
        let deltas: [UInt8] = [0, 0, 0, 3, 3, 3, 3]
        var body = [UInt8](repeating: 0, count: 8)
        for (i, d) in deltas.enumerated() { body[(i * 2) / 8] |= d << UInt8((i * 2) % 8) }
        packed += body
        #expect(try decodeDelta(packed, count: 8) == [7, 5, 3, 1, 2, 3, 4, 5])
        #expect(throws: ParquetError.self) { try decodeDelta(Array(packed.dropLast(3)), count: 8) }
        #expect(throws: ParquetError.self) { try decodeDelta(packed, count: 9) }
        #expect(throws: ParquetError.self) { try decodeDelta([0x81, 0x01, 0x04, 0x08, 14], count: 1) }
    }
}
