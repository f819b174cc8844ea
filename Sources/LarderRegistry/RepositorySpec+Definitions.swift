public import Larder

extension RepositorySpec {
    /// The registrable form of compiled definitions.
    public init(_ repository: FeatureRepository) {
        self.init(
            project: repository.project,
            entities: repository.entities.map(EntitySpec.init),
            sources: repository.sources.map(SourceSpec.init),
            views: repository.views.map(ViewSpec.init),
            onDemandViews: repository.onDemandViews.map(OnDemandViewSpec.init),
            aggregationViews: repository.aggregationViews.map(AggregationViewSpec.init),
            services: repository.services.map(ServiceSpec.init))
    }
}

extension EntitySpec {
    public init(_ entity: Entity) {
        self.init(name: entity.name, joinKey: entity.joinKey, keyType: entity.keyType,
                  description: entity.description, owner: entity.owner, tags: entity.tags)
    }
}

extension SourceSpec {
    public init(_ source: Source) {
        let (kind, path, table): (String, String, String?) = switch source.location {
        case .csv(let path): ("csv", path, nil)
        case .parquet(let path): ("parquet", path, nil)
        case .sqlite(let database, let table): ("sqlite", database, table)
        }
        self.init(name: source.name, kind: kind, path: path, table: table,
                  eventTimestampColumn: source.eventTimestampColumn,
                  createdTimestampColumn: source.createdTimestampColumn, description: source.description)
    }
}

extension ViewSpec {
    public init(_ view: FeatureView) {
        self.init(
            name: view.name, entities: view.entities.map(\.name), ttlMicroseconds: view.ttl?.microseconds,
            source: view.source.name,
            fields: view.fields.map { FieldSpec(name: $0.name, type: $0.type, nullable: $0.nullable, description: $0.description) },
            transform: view.transform?.identity, online: view.online, offline: view.offline, tags: view.tags,
            owner: view.owner, description: view.description, schedule: view.schedule?.description,
            lookbackMicroseconds: view.allowedLateness?.microseconds, expectations: view.expectations.map(ExpectationSpec.init))
    }
}

extension ServiceSpec {
    public init(_ service: FeatureService) {
        self.init(
            name: service.name,
            features: service.selections.flatMap { selection in
                selection.featureNames.map { FeatureReference(view: selection.viewName, feature: $0) }
            },
            description: service.description, owner: service.owner, tags: service.tags)
    }
}
