public import Larder

/// Checks compiled definitions before they are registered: names, references, ttl, aggregation windows,
/// services, and — when a source's data exists — that every join key and field of a feature view is in the
/// source with a fitting type.
///
/// ```swift
/// let issues = DefinitionValidator(sourceColumns: reader.columns(of:)).validate(repository)
/// if !issues.isEmpty { throw DefinitionValidationError(issues: issues) }
/// ```
public struct DefinitionValidator: Sendable {
    /// Reads a source's actual columns; returns `nil` when its data does not exist (yet).
    public typealias ColumnReader = @Sendable (Source) throws -> SourceColumns?

    private let sourceColumns: ColumnReader

    public init(sourceColumns: @escaping ColumnReader = { _ in nil }) {
        self.sourceColumns = sourceColumns
    }

    /// Columns every view's rows carry besides its features.
    public static let reservedNames: Set<String> = ["event_timestamp", "created"]

    public func validate(_ repository: FeatureRepository) -> [DefinitionIssue] {
        var issues: [DefinitionIssue] = []
        func issue(_ kind: String, _ name: String, _ problem: String, _ fix: String) {
            issues.append(DefinitionIssue(kind: kind, name: name, problem: problem, fix: fix))
        }
        if !Self.isIdentifier(repository.project) {
            issue("project", repository.project, "the project name is not an identifier", "use lower-case letters, digits and _")
        }
        duplicates(repository.entities.map(\.name), kind: "entity", into: &issues)
        duplicates(repository.sources.map(\.name), kind: "source", into: &issues)
        duplicates(repository.views.map(\.name), kind: "view", into: &issues)
        duplicates(repository.services.map(\.name), kind: "service", into: &issues)
        let entityNames = Set(repository.entities.map(\.name))
        let sourceNames = Set(repository.sources.map(\.name))
        let viewNames = Set(repository.views.map(\.name))
        for entity in repository.entities {
            checkName(entity.name, kind: "entity", into: &issues)
            checkName(entity.joinKey, kind: "entity", owner: entity.name, into: &issues)
            if entity.keyType != .int64 && entity.keyType != .string && entity.keyType != .int32 {
                issue("entity", entity.name, "join key type \(entity.keyType) cannot identify an entity",
                      "use .int64, .int32 or .string for \(entity.joinKey)")
            }
        }
        for source in repository.sources { checkName(source.name, kind: "source", into: &issues) }
        for view in repository.views {
            checkName(view.name, kind: "view", into: &issues)
            validate(view, entityNames: entityNames, sourceNames: sourceNames, into: &issues)
        }
        duplicates(repository.onDemandViews.map(\.name), kind: "on-demand view", into: &issues)
        for view in repository.onDemandViews where viewNames.contains(view.name) {
            issue("on-demand view", view.name, "the name is used by a feature view too", "give the on-demand view a name of its own: features are referenced as view:feature")
        }
        for view in repository.onDemandViews {
            checkName(view.name, kind: "on-demand view", into: &issues)
            validate(view, in: repository, into: &issues)
        }
        validateAggregationViews(in: repository, into: &issues)
        for service in repository.services {
            checkName(service.name, kind: "service", into: &issues)
            validate(service, in: repository, into: &issues)
        }
        return issues
    }

    private func validate(_ view: FeatureView, entityNames: Set<String>, sourceNames: Set<String>,
                          into issues: inout [DefinitionIssue]) {
        func issue(_ problem: String, _ fix: String, field: String? = nil) {
            issues.append(DefinitionIssue(kind: field == nil ? "view" : "field",
                                          name: field.map { "\(view.name).\($0)" } ?? view.name,
                                          problem: problem, fix: fix))
        }
        if let ttl = view.ttl, ttl.microseconds <= 0 {
            issue("ttl is \(ttl), which would make every value expired", "use a positive ttl such as .days(1), or nil for no expiry")
        }
        if let lateness = view.allowedLateness, lateness.microseconds < 0 {
            issue("allowedLateness is negative (\(lateness))", "use a positive allowedLateness such as .hours(6)")
        }
        if let schedule = view.schedule {
            do {
                try schedule.validate()
            } catch {
                issue("schedule \(schedule) cannot run: \(error.description)",
                      "write a five-field UTC cron such as .cron(\"0 * * * *\") or a positive period such as .every(.hours(1))")
            }
        }
        if view.entities.isEmpty { issue("the view has no entities", "list the entities its rows describe, e.g. entities: [driver]") }
        if view.fields.isEmpty { issue("the view has no fields", "declare its features, e.g. Field(\"conv_rate\", .float32)") }
        if !view.online && !view.offline { issue("the view is neither online nor offline", "set online: true or offline: true") }
        for entity in view.entities where !entityNames.contains(entity.name) {
            issue("uses entity \(entity.name), which is not in the repository's entities", "add \(entity.name) to `entities:`")
        }
        if !sourceNames.contains(view.source.name) {
            issue("reads source \(view.source.name), which is not in the repository's sources", "add \(view.source.name) to `sources:`")
        }
        var seen = Set<String>()
        let keys = Set(view.joinKeys)
        for field in view.fields {
            checkName(field.name, kind: "field", owner: view.name, into: &issues)
            if !seen.insert(field.name).inserted { issue("is declared twice", "remove one of them", field: field.name) }
            if keys.contains(field.name) { issue("has the name of a join key", "rename the feature", field: field.name) }
            if Self.reservedNames.contains(field.name) {
                issue("uses a reserved column name", "rename the feature; event_timestamp and created are stored with every row", field: field.name)
            }
        }
        validateExpectations(view, into: &issues)
        checkSourceColumns(view, into: &issues)
    }

    private func checkSourceColumns(_ view: FeatureView, into issues: inout [DefinitionIssue]) {
        let columns: SourceColumns
        do {
            guard let read = try sourceColumns(view.source) else { return }
            columns = read
        } catch {
            issues.append(DefinitionIssue(kind: "source", name: view.source.name, problem: "cannot be read: \(error)",
                                          fix: "check the path under the data directory (--data) or fix the file"))
            return
        }
        let available = columns.columns.keys.sorted().joined(separator: ", ")
        func missing(_ column: String, _ role: String, kind: String, name: String) {
            issues.append(DefinitionIssue(kind: kind, name: name,
                problem: "\(role) \(column) is not a column of \(columns.location)",
                fix: "rename it to one of the source's columns (\(available)) or add the column to the source"))
        }
        for entity in view.entities {
            guard let type = columns.columns[entity.joinKey] else {
                missing(entity.joinKey, "join key", kind: "view", name: view.name)
                continue
            }
            if let type, !type.widens(to: entity.keyType) {
                issues.append(DefinitionIssue(kind: "view", name: view.name,
                    problem: "join key \(entity.joinKey) is \(type) in \(columns.location) but entity \(entity.name) declares \(entity.keyType)",
                    fix: "declare Entity(\"\(entity.name)\", joinKey: \"\(entity.joinKey)\", type: .\(type))"))
            }
        }
        for (column, role) in [(view.source.eventTimestampColumn, "event time column")] + (view.source.createdTimestampColumn.map { [($0, "created column")] } ?? []) {
            guard let type = columns.columns[column] else {
                missing(column, role, kind: "source", name: view.source.name)
                continue
            }
            if let type, type != .timestamp {
                issues.append(DefinitionIssue(kind: "source", name: view.source.name,
                    problem: "\(role) \(column) is \(type) in \(columns.location), not a timestamp",
                    fix: "point the source at a timestamp column"))
            }
        }
        let produced = Set(view.transform?.produces ?? [])
        for field in view.fields where !produced.contains(field.name) {
            guard let type = columns.columns[field.name] else {
                missing(field.name, "feature", kind: "field", name: "\(view.name).\(field.name)")
                continue
            }
            if let type, !type.widens(to: field.type), view.transform == nil {
                issues.append(DefinitionIssue(kind: "field", name: "\(view.name).\(field.name)",
                    problem: "is declared \(field.type) but is \(type) in \(columns.location)",
                    fix: "declare Field(\"\(field.name)\", .\(type)), or convert it in the view's transform"))
            }
        }
    }

    func duplicates(_ names: [String], kind: String, into issues: inout [DefinitionIssue]) {
        var seen = Set<String>(), reported = Set<String>()
        for name in names where !seen.insert(name).inserted && reported.insert(name).inserted {
            issues.append(DefinitionIssue(kind: kind, name: name, problem: "the name is used by more than one \(kind)",
                                          fix: "give each \(kind) a unique name"))
        }
    }

    func checkName(_ name: String, kind: String, owner: String? = nil, into issues: inout [DefinitionIssue]) {
        guard !Self.isIdentifier(name) else { return }
        issues.append(DefinitionIssue(kind: kind, name: owner.map { "\($0).\(name)" } ?? name,
            problem: "\"\(name)\" is not a valid name",
            fix: "use letters, digits and _ only, starting with a letter or _ (names become Parquet columns and Redis keys)"))
    }

    /// Whether a name is `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (first | 0x20) >= 97 && (first | 0x20) <= 122 else { return false }
        return name.utf8.allSatisfy { c in
            c == UInt8(ascii: "_") || (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122)
        }
    }
}
