import ArgumentParser
import Larder
import LarderRegistry

/// `larder describe NAME`: one registered object in detail.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show one registered entity, source, view or service in detail.",
        discussion: """
            Examples:
              larder describe driver_stats      # a view: entities, ttl, source, fields, transform
              larder describe rides             # a service: its view:feature list
              larder describe trip_request      # an on-demand view: code, request fields, sources, outputs
              larder describe driver_trips      # an aggregation view: events, each aggregation's window and type
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The object's name.")
    var name: String

    func run() throws {
        let version = try Project(options).registered()
        let spec = version.spec
        var lines: [String] = []
        func meta(_ description: String, _ owner: String?, _ tags: [String: String]) {
            if !description.isEmpty { lines.append("description: \(description)") }
            if let owner { lines.append("owner: \(owner)") }
            if !tags.isEmpty { lines.append("tags: " + tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
        }
        if let v = spec.view(name) {
            lines.append("view \(v.name) (registry version \(version.number))")
            lines.append("entities: \(v.entities.joined(separator: ", "))")
            lines.append("ttl: \(v.ttl?.description ?? "none")")
            lines.append("source: \(v.source)")
            lines.append("transform: \(v.transform ?? "none")")
            lines.append("online: \(v.online), offline: \(v.offline)")
            if let schedule = v.schedule { lines.append("schedule: \(schedule)") }
            meta(v.description, v.owner, v.tags)
            var table = TextTable("FIELD", "TYPE", "NULLABLE", "DESCRIPTION")
            for f in v.fields { table.add(f.name, f.type.rawValue, f.nullable ? "yes" : "no", f.description) }
            lines.append(table.rendered())
        } else if let v = spec.onDemandView(name) {
            lines.append("on-demand view \(v.name) (registry version \(version.number))")
            lines.append("code: \(v.transform)")
            lines.append("request fields: " + (v.requestFields.isEmpty ? "none" : v.requestFields.map { "\($0.name) (\($0.type))" }.joined(separator: ", ")))
            lines.append("reads: " + (v.sources.isEmpty ? "none" : v.sources.map(\.description).joined(separator: ", ")))
            meta(v.description, v.owner, v.tags)
            var table = TextTable("OUTPUT", "TYPE", "NULLABLE", "DESCRIPTION")
            for f in v.outputs { table.add(f.name, f.type.rawValue, f.nullable ? "yes" : "no", f.description) }
            lines.append(table.rendered())
        } else if let v = spec.aggregationView(name) {
            lines.append("aggregation view \(v.name) (registry version \(version.number))")
            lines.append("entities: \(v.entities.joined(separator: ", "))")
            lines.append("source: \(v.source)")
            lines.append("transform: \(v.transform ?? "none")")
            lines.append("events: " + (v.events.isEmpty ? "none" : v.events.map { "\($0.name) (\($0.type))" }.joined(separator: ", ")))
            meta(v.description, v.owner, v.tags)
            var table = TextTable("AGGREGATION", "OPERATION", "COLUMN", "WINDOW", "HOP", "TYPE")
            for a in v.aggregations {
                // A type this larder cannot work out (an operation from a newer one) prints as "?".
                table.add(a.name, a.operationDescription, a.column ?? "-", a.windowDescription,
                          a.hopMicroseconds == nil ? "-" : a.hopDescription, v.outputType(of: a)?.description ?? "?")
            }
            lines.append(table.rendered())
        } else if let s = spec.service(name) {
            lines.append("service \(s.name) (registry version \(version.number))")
            meta(s.description, s.owner, s.tags)
            lines.append("features:")
            lines += s.features.map { "  \($0)" }
        } else if let e = spec.entity(name) {
            lines.append("entity \(e.name): join key \(e.joinKey) (\(e.keyType))")
            meta(e.description, e.owner, e.tags)
            let users = spec.views.filter { $0.entities.contains(e.name) }.map(\.name)
                + spec.aggregationViews.filter { $0.entities.contains(e.name) }.map(\.name)
            lines.append("views: \(users.isEmpty ? "none" : users.joined(separator: ", "))")
        } else if let s = spec.source(name) {
            lines.append("source \(s.name): \(s.kind) \(s.path)\(s.table.map { " table \($0)" } ?? "")")
            lines.append("event time column: \(s.eventTimestampColumn), created column: \(s.createdTimestampColumn ?? "none")")
            if !s.description.isEmpty { lines.append("description: \(s.description)") }
        } else {
            let names = (spec.entities.map(\.name) + spec.sources.map(\.name) + spec.views.map(\.name) + spec.onDemandViews.map(\.name)
                         + spec.aggregationViews.map(\.name) + spec.services.map(\.name))
            throw CLIError("nothing named \(name) is registered; registered names: \(Array(Set(names)).sorted().joined(separator: ", "))")
        }
        print(lines.joined(separator: "\n"))
    }
}
