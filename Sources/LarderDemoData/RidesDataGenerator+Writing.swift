public import LarderColumnar
internal import LarderCSV

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one batch to one file; lets the Parquet writer (or any other) plug into
/// ``RidesDataGenerator/write(to:format:writer:)``.
///
/// ```swift
/// struct ParquetBatchWriter: BatchFileWriter {
///     func write(_ batch: ColumnBatch, to path: String) throws { try ParquetFile.write(batch, to: path) }
/// }
/// try rides.write(to: "data/M", format: .parquet, writer: ParquetBatchWriter())
/// ```
public protocol BatchFileWriter: Sendable {
    func write(_ batch: ColumnBatch, to path: String) throws
}

/// gen_data.py's CSV layout: header names and timestamps quoted, like `pyarrow.csv.write_csv`.
///
/// ```swift
/// try GenDataCSVWriter().write(batch, to: "orders.csv")
/// ```
public struct GenDataCSVWriter: BatchFileWriter {
    public init() {}

    public func write(_ batch: ColumnBatch, to path: String) throws {
        try Self.writer.write(batch, to: path)
    }

    /// The CSV text of `batch`, header line first, as ``write(_:to:)`` writes it.
    public func encode(_ batch: ColumnBatch) throws -> [UInt8] {
        try Self.writer.encode(batch)
    }

    private static let writer = CSVWriter(options: CSVWriteOptions(quoting: .textAlways))
}

/// Why the rides data could not be written.
///
/// ```swift
/// catch let error as RidesDataError { print(error) }  // names the file and what to do
/// ```
public struct RidesDataError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}

extension RidesDataGenerator {
    /// The file formats of gen_data.py.
    ///
    /// ```swift
    /// try rides.write(to: "data/S", format: .csv)
    /// ```
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case parquet

        public var fileExtension: String { rawValue }
    }

    /// Writes `driver_stats`, `customer_stats`, `orders` and `trips` into `directory` (created if missing)
    /// and returns the paths, in that order. CSV uses ``GenDataCSVWriter`` unless `writer` is given; Parquet
    /// needs `writer`. `trips` is generated here, once, and freed after it is written.
    @discardableResult
    public func write(to directory: String, format: Format = .csv, writer: (any BatchFileWriter)? = nil) throws(RidesDataError) -> [String] {
        guard let writer = writer ?? (format == .csv ? GenDataCSVWriter() : nil) else {
            throw RidesDataError(
                path: directory,
                reason: "no writer for \(format.rawValue); pass one, e.g. a BatchFileWriter around the Parquet writer")
        }
        try RidesDataGenerator.makeDirectories(directory)
        var paths: [String] = []
        for (name, batch) in [("driver_stats", driverStats), ("customer_stats", customerStats), ("orders", orders)] {
            paths.append(try write(batch, named: name, to: directory, format: format, writer: writer))
        }
        paths.append(try write(trips, named: "trips", to: directory, format: format, writer: writer))
        return paths
    }

    private func write(
        _ batch: ColumnBatch, named name: String, to directory: String, format: Format, writer: any BatchFileWriter
    ) throws(RidesDataError) -> String {
        let path = directory + "/" + name + "." + format.fileExtension
        do {
            try writer.write(batch, to: path)
        } catch {
            throw RidesDataError(path: path, reason: "\(error)")
        }
        return path
    }

    /// `mkdir -p`.
    static func makeDirectories(_ directory: String) throws(RidesDataError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for part in directory.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                let reason = String(cString: strerror(errno))
                throw RidesDataError(path: prefix, reason: "cannot create the directory: \(reason)")
            }
        }
    }
}
