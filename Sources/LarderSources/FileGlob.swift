import Foundation

/// Expands a path whose last component may hold `*`, `?` or `[...]` (e.g. `data/events/*.parquet`).
enum FileGlob {
    static func matches(_ pattern: String) -> [String] {
        let directory = (pattern as NSString).deletingLastPathComponent
        let filePattern = (pattern as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return [] }
        return names.filter { fnmatch(filePattern, $0, 0) == 0 && !$0.hasPrefix(".") }.sorted()
            .map { directory.isEmpty ? $0 : directory + "/" + $0 }
    }
}
