import Larder
import LarderColumnar
import LarderRegistry

extension TrainingSetBuilder {
    /// Rows an on-demand view's code gets per call: large enough that a call's overhead vanishes, small
    /// enough that the chunks spread over the cores and their input arrays stay in cache.
    static let onDemandChunkRows = 1 << 16

    /// A training set with on-demand features: the feature view features requested and those the on-demand
    /// views read are joined point in time (once each), then every on-demand view's code runs over chunks of
    /// the rows — given each row's request fields from `entities` and its joined features, exactly what a
    /// lookup gives it — and the requested columns are laid out as ``build(entities:features:fullNames:entityFile:)``
    /// promises: entity columns, then features grouped by view in first-appearance order.
    func buildWithOnDemand(entities: ColumnBatch, features: [FeatureReference], fullNames: Bool, entityFile: String?) throws -> Result {
        var groups: [(view: String, features: [String])] = []
        var onDemand: [OnDemandView] = []
        var joined: [FeatureReference] = []
        func needJoined(_ reference: FeatureReference) { if !joined.contains(reference) { joined.append(reference) } }
        for reference in features {
            if let g = groups.firstIndex(where: { $0.view == reference.view }) {
                groups[g].features.append(reference.feature)
            } else {
                groups.append((reference.view, [reference.feature]))
            }
            if repository.view(named: reference.view) != nil {
                needJoined(reference)
            } else if let view = repository.onDemandView(named: reference.view) {
                guard view.output(named: reference.feature) != nil else {
                    throw TrainingSetError("on-demand view \(view.name) has no output \(reference.feature); it has \(view.outputs.map(\.name).joined(separator: ", "))")
                }
                if !onDemand.contains(where: { $0.name == view.name }) { onDemand.append(view) }
            } else {
                throw TrainingSetError("unknown view \(reference.view) in \(reference); views: \((repository.views.map(\.name) + repository.onDemandViews.map(\.name)).joined(separator: ", "))")
            }
        }
        let file = entityFile.map { "entity file \($0)" } ?? "the entity rows"
        for view in onDemand {
            for source in view.sources {
                for feature in source.featureNames { needJoined(FeatureReference(view: source.viewName, feature: feature)) }
            }
            for field in view.request where entities.column(named: field.name) == nil {
                throw TrainingSetError("\(file) has no \(field.name) column, which on-demand view \(view.name) reads as a request field (\(field.type)); add the column, one value per entity row (it has \(entities.schema.names.joined(separator: ", ")))")
            }
        }
        // Full names while joining, so a feature read only by an on-demand view cannot collide with another.
        let base = try self.join(entities: entities, features: joined, fullNames: true)
        var computed: [String: [Column]] = [:]
        for view in onDemand {
            computed[view.name] = try compute(view, entities: entities, joined: base.batch, file: file)
        }
        let counts = groups.reduce(into: [String: Int]()) { counts, group in
            for feature in Set(group.features) { counts[feature, default: 0] += 1 }
        }
        var fields = entities.schema.fields, columns = entities.columns
        var taken = Set(fields.map(\.name))
        for group in groups {
            let view = repository.onDemandView(named: group.view)
            for feature in group.features {
                let name = fullNames || counts[feature, default: 0] > 1 ? "\(group.view)__\(feature)" : feature
                guard taken.insert(name).inserted else {
                    throw TrainingSetError("two output columns would be named \(name); the entity rows have a column of that name or \(group.view):\(feature) is requested twice (use --full-names, or rename the entity column)")
                }
                let column: Column
                if let view {
                    column = computed[view.name]![view.outputs.firstIndex { $0.name == feature }!]
                } else {
                    column = base.batch.column(named: "\(group.view)__\(feature)")!
                }
                fields.append(SchemaField(name: name, type: column.type, nullable: true))
                columns.append(column)
            }
        }
        return Result(batch: try ColumnBatch(schema: Schema(fields), columns: columns), intervals: base.intervals)
    }

    /// Runs `view`'s code over every row, a chunk of rows per call, the chunks in parallel. Returns its
    /// outputs in declared order.
    private func compute(_ view: OnDemandView, entities: ColumnBatch, joined: ColumnBatch, file: String) throws -> [Column] {
        var inputs: [(name: String, column: Column, type: ValueType?)] = []
        for field in view.request {
            let column = entities.column(named: field.name)!
            guard Self.requestTypeFits(column.type, field.type) else {
                throw TrainingSetError("column \(field.name) of \(file) is \(column.type), but on-demand view \(view.name) declares request field \(field.name) as \(field.type); write the column as \(field.type)")
            }
            inputs.append((field.name, column, field.type))
        }
        for source in view.sources {
            for feature in source.featureNames {
                inputs.append((feature, joined.column(named: "\(source.viewName)__\(feature)")!, nil))
            }
        }
        let rowCount = entities.rowCount
        let chunkCount = max(1, (rowCount + Self.onDemandChunkRows - 1) / Self.onDemandChunkRows)
        var results = [Swift.Result<[OnDemandColumn], OnDemandError>?](repeating: nil, count: chunkCount)
        results.withUnsafeMutableBufferPointer { out in
            ParallelChunks.forEach(chunkCount) { chunk in
                let rows = (chunk * Self.onDemandChunkRows)..<min(rowCount, (chunk + 1) * Self.onDemandChunkRows)
                var batch: [String: OnDemandColumn] = [:]
                for input in inputs {
                    let column = input.column.onDemandColumn(rows)
                    batch[input.name] = input.type.map { Self.requestColumn(column, as: $0) } ?? column
                }
                out[chunk] = Swift.Result { () throws(OnDemandError) in try view.run(batch, rowCount: rows.count) }
            }
        }
        var chunks: [[OnDemandColumn]] = []
        for result in results {
            switch result! {
            case .success(let outputs): chunks.append(outputs)
            case .failure(let error): throw TrainingSetError("\(error)")
            }
        }
        return view.outputs.enumerated().map { index, output in
            Column(onDemand: chunks.map { $0[index] }, type: output.type)
        }
    }

    /// Whether an entity column of `type` can carry a request field of `declared` type: the same type, a
    /// lossless widening, or integers for a float field (as a lookup takes a JSON integer for one).
    static func requestTypeFits(_ type: ValueType, _ declared: ValueType) -> Bool {
        type.widens(to: declared) || (declared == .float64 && type == .int64) || (declared == .float32 && (type == .int32 || type == .int64 || type == .float64))
    }

    /// A request column as its declared type (see ``requestTypeFits(_:_:)``).
    static func requestColumn(_ column: OnDemandColumn, as type: ValueType) -> OnDemandColumn {
        if let converted = column.converted(to: type) { return converted }
        switch (column, type) {
        case (.int64(let v), .float64): return .float64(v.map { $0.map(Double.init) })
        case (.int64(let v), .float32): return .float32(v.map { $0.map(Float.init) })
        case (.int32(let v), .float32): return .float32(v.map { $0.map(Float.init) })
        case (.float64(let v), .float32): return .float32(v.map { $0.map(Float.init) })
        default: preconditionFailure("requestTypeFits admits only these")
        }
    }
}
