import ArgumentParser
import Larder
import LarderRegistry

/// `larder list KIND`: the registered objects of one kind.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List registered entities, sources, views (feature, on-demand and aggregation views) or services.",
        discussion: """
            Reads the latest registered version (run `larder apply` first).

            Examples:
              larder list views
              larder list services
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case entities, sources, views, services
    }

    @OptionGroup var options: GlobalOptions

    @Argument(help: "What to list: entities, sources, views or services.")
    var kind: Kind

    func run() throws {
        let spec = try Project(options).registered().spec
        var table: TextTable
        switch kind {
        case .entities:
            table = TextTable("NAME", "JOIN KEY", "TYPE", "DESCRIPTION")
            for e in spec.entities { table.add(e.name, e.joinKey, e.keyType.rawValue, e.description) }
        case .sources:
            table = TextTable("NAME", "KIND", "PATH", "EVENT TIME", "CREATED")
            for s in spec.sources {
                table.add(s.name, s.kind, s.path + (s.table.map { " (table \($0))" } ?? ""),
                          s.eventTimestampColumn, s.createdTimestampColumn ?? "-")
            }
        case .views:
            table = TextTable("NAME", "ENTITIES", "TTL", "SOURCE", "FEATURES", "ONLINE", "OFFLINE")
            for v in spec.views {
                table.add(v.name, v.entities.joined(separator: ","), v.ttl?.description ?? "none", v.source,
                          v.fields.map { "\($0.name):\($0.type)" }.joined(separator: " "),
                          v.online ? "yes" : "no", v.offline ? "yes" : "no")
            }
            // Other kinds of views in tables of their own (the views table keeps its columns).
            var tables = [table.rendered()]
            if !spec.onDemandViews.isEmpty {
                // Computed at lookup time, nothing stored.
                var onDemand = TextTable("ON-DEMAND VIEW", "CODE", "REQUEST FIELDS", "READS", "FEATURES")
                for v in spec.onDemandViews {
                    onDemand.add(v.name, v.transform, v.requestFields.map { "\($0.name):\($0.type)" }.joined(separator: " "),
                                 v.sources.map(\.description).joined(separator: " "), v.outputs.map { "\($0.name):\($0.type)" }.joined(separator: " "))
                }
                tables.append(onDemand.rendered())
            }
            if !spec.aggregationViews.isEmpty {
                var aggregations = TextTable("AGGREGATION VIEW", "ENTITIES", "SOURCE", "TRANSFORM", "FEATURES")
                for v in spec.aggregationViews {
                    aggregations.add(v.name, v.entities.joined(separator: ","), v.source, v.transform ?? "-",
                                     v.aggregations.map { "\($0.name):\($0.operationDescription)/\($0.windowDescription)" }.joined(separator: " "))
                }
                tables.append(aggregations.rendered())
            }
            print(tables.joined(separator: "\n\n"))
            return
        case .services:
            table = TextTable("NAME", "FEATURES", "DESCRIPTION")
            for s in spec.services { table.add(s.name, s.features.map(\.description).joined(separator: " "), s.description) }
        }
        print(table.rendered())
    }
}
