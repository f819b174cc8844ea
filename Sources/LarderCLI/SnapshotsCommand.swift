import ArgumentParser
import Foundation
import Larder
import LarderOffline
import LarderRegistry

/// `larder snapshots list|show NAME`.
struct SnapshotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List saved training-set snapshots, or show one with its lineage.",
        discussion: """
            Snapshots are saved by `larder training-set --save NAME`; they are immutable and content-hashed.

            Examples:
              larder snapshots list
              larder snapshots show rides_v1
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "list, or show.")
    var action: String = "list"

    @Argument(help: "The snapshot to show.")
    var name: String?

    func run() throws {
        let registry = try Project(options).openRegistry()
        let store = try SnapshotStore(home: options.homeDirectory, database: registry.database)
        switch action {
        case "list":
            var table = TextTable("NAME", "ROWS", "HASH", "REGISTRY", "CREATED")
            for s in try store.list() {
                table.add(s.name, String(s.rowCount), String(s.contentHash.prefix(12)), "v\(s.registryVersion)", s.createdAt.iso8601(fractionalDigits: 0))
            }
            print(table.rendered())
        case "show":
            guard let name else { throw ValidationError("snapshots show needs a NAME") }
            guard let s = try store.snapshot(name) else { throw CLIError("no snapshot named \(name); `larder snapshots list` shows the saved ones") }
            print("""
                snapshot \(s.name)
                file: \(options.homeDirectory)/\(s.path)
                content hash: \(s.contentHash)
                rows: \(s.rowCount)
                registry version: \(s.registryVersion)
                created: \(s.createdAt.iso8601(fractionalDigits: 0))
                entity file: \(s.entityFile) (sha256 \(s.entityHash))
                columns: \(s.columns.joined(separator: ", "))
                features: \(s.features.joined(separator: ", "))
                """)
            for (view, intervals) in s.intervals.sorted(by: { $0.key < $1.key }) {
                print("materialized \(view): \(intervals.map(\.description).joined(separator: ", "))")
            }
        default:
            throw ValidationError("unknown action \(action): use list or show")
        }
    }
}
