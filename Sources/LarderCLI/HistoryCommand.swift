import ArgumentParser
import Larder
import LarderRegistry

/// `larder history`: every registered version.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List every registered version with its hash, time and changes.",
        discussion: "Example: larder history")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let versions = try Project(options).existingRegistry()?.history() ?? []
        if versions.isEmpty {
            print("no versions registered yet: run `larder apply`")
            return
        }
        for v in versions {
            print("version \(v.number)  \(v.contentHash.prefix(12))  \(v.appliedAt.iso8601(fractionalDigits: 0))")
            print(v.changes.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
        }
    }
}
