public import Larder

/// A registered on-demand view: its request fields, the features it reads, its outputs and its code as
/// `name@version` (the closure itself cannot be stored; see ``OnDemandView``).
public struct OnDemandViewSpec: Codable, Sendable, Equatable {
    public var name: String
    /// The code's identity, `name@version`.
    public var transform: String
    public var requestFields: [RequestFieldSpec]
    /// The feature view features the code reads.
    public var sources: [FeatureReference]
    public var outputs: [FieldSpec]
    public var tags: [String: String]
    public var owner: String?
    public var description: String

    public func output(_ name: String) -> FieldSpec? { outputs.first { $0.name == name } }
    public func requestField(_ name: String) -> RequestFieldSpec? { requestFields.first { $0.name == name } }
}

/// A registered request field of an on-demand view.
public struct RequestFieldSpec: Codable, Sendable, Equatable {
    public var name: String
    public var type: ValueType
    public var description: String
}

extension OnDemandViewSpec {
    public init(_ view: OnDemandView) {
        self.init(
            name: view.name, transform: view.identity,
            requestFields: view.request.map { RequestFieldSpec(name: $0.name, type: $0.type, description: $0.description) },
            sources: view.sources.flatMap { selection in
                selection.featureNames.map { FeatureReference(view: selection.viewName, feature: $0) }
            },
            outputs: view.outputs.map { FieldSpec(name: $0.name, type: $0.type, nullable: $0.nullable, description: $0.description) },
            tags: view.tags, owner: view.owner, description: view.description)
    }
}
