import Larder
import LarderColumnar

/// A content hash of a batch that is the same in every process (FNV-1a 64 over the schema and every
/// column's raw values and validity), unlike `Hasher`, which is seeded per process: the tests compare it
/// against values recorded from earlier builds, to show that generated data has not changed.
///
/// ```swift
/// #expect(fingerprint(rides.orders) == 0x1234_5678_9abc_def0)
/// ```
func fingerprint(_ batch: ColumnBatch) -> UInt64 {
    var hash = FNV1a()
    for field in batch.schema.fields {
        hash.add(bytes: Array("\(field.name):\(field.type):\(field.nullable);".utf8))
    }
    for column in batch.columns {
        switch column.storage {
        case .bool(let values): values.forEach { hash.add($0 ? 1 : 0) }
        case .int32(let values): values.forEach { hash.add(UInt64(UInt32(bitPattern: $0))) }
        case .int64(let values): values.forEach { hash.add(UInt64(bitPattern: $0)) }
        case .float32(let values): values.forEach { hash.add(UInt64($0.bitPattern)) }
        case .float64(let values): values.forEach { hash.add($0.bitPattern) }
        case .binary(let offsets, let bytes):
            offsets.forEach { hash.add(UInt64($0)) }
            hash.add(bytes: bytes)
        }
        column.validity?.words.forEach { hash.add($0) }
        hash.add(UInt64(column.count))
    }
    return hash.value
}

private struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(bytes: [UInt8]) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    /// The eight little-endian bytes of `word`.
    mutating func add(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { value = (value ^ (word >> UInt64(shift) & 0xff)) &* 0x100_0000_01b3 }
    }
}
