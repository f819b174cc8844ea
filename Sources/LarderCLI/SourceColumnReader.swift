import Foundation
import Larder
import LarderRegistry

/// Reads the columns a source really has, for validation: the header of a CSV file, the schema of a
/// Parquet file, the columns of a SQLite table. A source whose data does not exist yet is skipped.
struct SourceColumnReader: Sendable {
    let dataDirectory: String

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : dataDirectory + "/" + path
    }

    func columns(of source: Source) throws -> SourceColumns? {
        switch source.location {
        case .csv(let path):
            let full = resolve(path)
            guard FileManager.default.fileExists(atPath: full) else { return nil }
            return SourceColumns(location: full, columns: Dictionary(uniqueKeysWithValues: try csvHeader(full).map { ($0, nil) }))
        case .parquet, .sqlite:
            return nil
        }
    }

    private func csvHeader(_ path: String) throws -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot open \(path)") }
        defer { try? handle.close() }
        let head = try handle.read(upToCount: 64 * 1024) ?? Data()
        let line = head.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? Data()
        return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }
}
