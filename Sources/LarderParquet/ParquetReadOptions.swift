/// How ``ParquetFile`` reads a file.
///
/// `maxDecodedBytes` bounds the memory a read may take for buffers whose size comes from the file:
/// the decoded columns (values, string bytes, offsets, validity), page buffers and decoding scratch.
/// A file whose columns decode to more fails with a ``ParquetError`` of kind `limitExceeded` before
/// the memory is taken — e.g. a 464 KB file whose dictionary holds one 1 MiB string referenced by
/// 200,000 rows decodes to 200 GB. Raise it for trusted files that really are that large.
///
/// ```swift
/// let options = ParquetReadOptions(maxDecodedBytes: 16 << 30)   // 16 GiB
/// let batch = try ParquetFile(path: "big.parquet", options: options).read()
/// ```
public struct ParquetReadOptions: Sendable, Hashable {
    /// 4 GiB.
    public static let defaultMaxDecodedBytes = 4 << 30

    /// The most bytes a read holds at once in buffers sized from the file's counts and lengths.
    public var maxDecodedBytes: Int

    public init(maxDecodedBytes: Int = ParquetReadOptions.defaultMaxDecodedBytes) {
        self.maxDecodedBytes = maxDecodedBytes
    }
}

/// Byte counts as people read them in messages: `209715200000 bytes (195.3 GiB)`.
func byteText(_ n: Int) -> String {
    let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(n)
    var unit = -1
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return unit < 0 ? "\(n) bytes" : "\(n) bytes (\((value * 10).rounded() / 10) \(units[unit]))"
}
