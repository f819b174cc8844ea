import ArgumentParser
import Foundation
import LarderCSV
import LarderParquet

/// `--max-decoded-bytes`: the most memory reading one Parquet or CSV file may take for its decoded
/// columns (``ParquetReadOptions/maxDecodedBytes``, ``CSVReadOptions/maxDecodedBytes``).
struct DecodingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The most memory one Parquet or CSV file may decode to, e.g. 512MiB, 8GiB or a byte count; a file that needs more is refused.",
        valueName: "size"))
    var maxDecodedBytes = ByteSize(bytes: ParquetReadOptions.defaultMaxDecodedBytes)

    var parquet: ParquetReadOptions { ParquetReadOptions(maxDecodedBytes: maxDecodedBytes.bytes) }

    var csv: CSVReadOptions {
        var options = CSVReadOptions()
        options.maxDecodedBytes = maxDecodedBytes.bytes
        return options
    }
}

/// A size given on the command line: a byte count, or a number with a unit (KiB, MiB, GiB, TiB; K, M, G,
/// T and KB, MB, GB, TB mean the same binary units).
///
/// ```swift
/// ByteSize(argument: "8GiB")?.bytes   // 8589934592
/// ```
struct ByteSize: ExpressibleByArgument, CustomStringConvertible {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let digits = text.prefix { $0.isNumber || $0 == "." }
        let unit = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).uppercased()
        let shifts: [String: Int] = ["": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20,
                                     "G": 30, "GB": 30, "GIB": 30, "T": 40, "TB": 40, "TIB": 40]
        guard let number = Double(digits), number > 0, let shift = shifts[unit] else { return nil }
        let value = number * Double(1 << shift)
        guard value < Double(Int.max / 4) else { return nil }
        bytes = Int(value)
    }

    var description: String {
        for (unit, shift) in [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(unit)"
        }
        return "\(bytes)"
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
