public import Larder

/// One stored version of the definitions.
public struct RegisteredVersion: Sendable, Equatable {
    /// 1, 2, 3… in the order they were applied.
    public var number: Int64
    /// SHA-256 of the canonical JSON of ``spec``.
    public var contentHash: String
    public var appliedAt: Timestamp
    public var spec: RepositorySpec
    /// The diff against the previous version, as `larder apply` printed it.
    public var changes: String
}

/// `larder apply` refused because the change breaks consumers and `--allow-breaking` was not given.
public struct BreakingChangeError: Error, Sendable, CustomStringConvertible {
    public var changes: [RegistryDiff.Change]
    public var description: String {
        "refusing to apply \(changes.count) breaking change\(changes.count == 1 ? "" : "s"):\n"
            + changes.map { "  \($0)" }.joined(separator: "\n")
            + "\nre-run with --allow-breaking once the consumers (services, models, materialized data) are ready for it"
    }
}

/// What `apply` did.
public enum ApplyOutcome: Sendable, Equatable {
    /// The definitions equal the latest version: nothing was written.
    case unchanged(RegisteredVersion)
    /// A new version was stored.
    case applied(RegisteredVersion, RegistryDiff)
}
