import ArgumentParser
import Foundation
import Larder
import LarderOffline
import LarderRegistry

/// `larder compact`: merge each day's files of one kind into one.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Merge the offline store's small files: each day's push parts into one, its source files into one.",
        discussion: """
            Push flushes add one part file per day they touch, and incremental runs one per day with late rows.
            The scheduler and push flushes merge them when a day has more than 16 small ones; this command
            merges every day with more than one file of a kind. Each merge is one catalog transaction (a reader
            sees the parts or the merged file, never both), and the parts are deleted after the store's
            retention. Source files are merged under the view's lock: refused while the view is materialized.

            Examples:
              larder compact
              larder compact --view driver_stats
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .customLong("view"), help: "A view to compact (repeatable; default: all).")
    var views: [String] = []

    func run() throws {
        let project = Project(options)
        guard let registry = try project.existingRegistry() else {
            print("nothing to compact: nothing is registered in \(options.homeDirectory)")
            return
        }
        let store = try OfflineStore(home: options.homeDirectory, database: registry.database)
        let compactor = OfflineCompactor(store: store, jobs: try JobLog(database: registry.database),
                                         state: try MaterializationState(database: registry.database))
        var table = TextTable("JOB", "VIEW", "DAY", "KIND", "FILES", "ROWS")
        var merged = 0
        for view in try project.views(named: views) where view.offline {
            for kind in OfflineFileKind.allCases {
                for c in try compactor.compact(view: view.name, kind: kind, policy: .everything) {
                    table.add(String(c.jobID), c.view, String(c.day.iso8601(fractionalDigits: 0).prefix(10)), c.kind.rawValue,
                              String(c.filesMerged), String(c.rows))
                    merged += 1
                }
            }
        }
        print(merged == 0 ? "nothing to compact: every day has at most one file of each kind" : table.rendered())
    }
}
