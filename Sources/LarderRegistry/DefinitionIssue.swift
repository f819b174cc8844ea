public import Larder

/// One problem found in the definitions, naming the object, what is wrong and how to fix it.
public struct DefinitionIssue: Sendable, Equatable, CustomStringConvertible {
    /// `entity`, `source`, `view`, `field`, `service`, `on-demand view`, `aggregation view`, `aggregation`
    /// (one feature of an aggregation view), `event column` or `expectation`.
    public var kind: String
    /// The object's name (`driver_stats`, or `driver_stats.conv_rate` for a field, an aggregation or an event column).
    public var name: String
    public var problem: String
    public var fix: String

    public init(kind: String, name: String, problem: String, fix: String) {
        self.kind = kind
        self.name = name
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "\(kind) \(name): \(problem) — fix: \(fix)" }
}

/// The definitions cannot be registered; every issue found is listed.
public struct DefinitionValidationError: Error, Sendable, CustomStringConvertible {
    public var issues: [DefinitionIssue]
    public init(issues: [DefinitionIssue]) { self.issues = issues }
    public var description: String {
        "the definitions have \(issues.count) problem\(issues.count == 1 ? "" : "s"):\n"
            + issues.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// The columns a source actually has, as read from its file (CSV header, Parquet schema) or table.
/// A `nil` type means the column exists but its type is not known (CSV).
public struct SourceColumns: Sendable, Equatable {
    public var location: String
    public var columns: [String: ValueType?]
    public init(location: String, columns: [String: ValueType?]) {
        self.location = location
        self.columns = columns
    }
}
