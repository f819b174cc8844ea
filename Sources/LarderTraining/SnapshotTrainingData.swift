public import Larder
public import LarderColumnar
import LarderRegistry

/// Turns a snapshot's columns into ``TrainingData`` and records which online feature each input is.
///
/// The features are the snapshot's feature columns (those its lineage names, as `feature` or
/// `view__feature`) other than the label — never `event_timestamp`, join keys, ids or other columns
/// passed through from the entity rows, which the online store cannot serve, so a model trained on
/// them could not be served without skew. `features` narrows the list (and must name feature columns).
/// Numeric and boolean columns are numeric features (nulls are missing values), strings are categorical.
/// The label must be numeric; rows whose label is null are left out and counted.
///
/// ```swift
/// let (snapshot, batch) = try SnapshotStore(home: home, database: db).read("rides_v1")
/// let input = try SnapshotTrainingData(batch: batch, lineage: snapshot.features, label: "trip_completed")
/// let result = try ModelTrainer.train(input.data, options: options)
/// ```
public struct SnapshotTrainingData: Sendable {
    public var data: TrainingData
    /// The inputs in ``TrainingData/features`` order, each with its `view:feature`.
    public var features: [ModelFeature]
    /// Rows left out because their label is null.
    public var droppedRows: Int

    /// - Parameters:
    ///   - lineage: the snapshot's feature references as `view:feature` texts (``SnapshotStore/Snapshot/features``).
    ///   - features: column names to train on; `nil` for every feature column.
    public init(batch: ColumnBatch, lineage: [String], label: String, features wanted: [String]? = nil) throws(SnapshotTrainingError) {
        let references = try Self.featureColumns(batch: batch, lineage: lineage)
        guard let labelIndex = batch.schema.index(of: label) else {
            throw .missingColumn(label, role: "label", available: batch.schema.names)
        }
        let labelColumn = batch.columns[labelIndex]
        guard Self.isNumeric(labelColumn.type) else { throw .labelNotNumeric(label, type: labelColumn.type) }
        guard let timeIndex = batch.schema.index(of: "event_timestamp") else {
            throw .missingColumn("event_timestamp", role: "event time", available: batch.schema.names)
        }
        let timeColumn = batch.columns[timeIndex]
        guard timeColumn.type == .timestamp, timeColumn.nullCount == 0 else {
            throw .badEventTimes(type: timeColumn.type, nulls: timeColumn.type == .timestamp ? timeColumn.nullCount : 0)
        }

        var chosen: [ModelFeature] = []
        if let wanted {
            for name in wanted {
                guard name != label else { throw .labelAsFeature(name) }
                guard let reference = references.first(where: { $0.name == name }) else {
                    if batch.schema.index(of: name) != nil {
                        throw .notAFeature(name, features: references.map(\.name))
                    }
                    throw .missingColumn(name, role: "feature", available: references.map(\.name))
                }
                chosen.append(reference)
            }
        } else {
            chosen = references.filter { $0.name != label }
        }
        var columns: [FeatureColumn] = []
        var kept: [ModelFeature] = []
        for feature in chosen {
            let column = batch.column(named: feature.name)!
            if Self.isNumeric(column.type) {
                let values = column.doubleValues(nullValue: 0)
                let isValid: [Bool] = column.validity.map { bitmap in (0..<column.count).map { bitmap[$0] } }
                    ?? [Bool](repeating: true, count: column.count)
                columns.append(.numeric(feature.name, values: values, isValid: isValid))
            } else if column.type == .string {
                columns.append(.categorical(feature.name, (0..<column.count).map { column.string(at: $0) }))
            } else if wanted != nil {
                throw .unsupportedType(feature.name, type: column.type)
            } else {
                continue   // bytes/timestamp features are not model inputs unless a future encoding handles them
            }
            kept.append(feature)
        }
        guard !kept.isEmpty else { throw .noFeatures(columns: batch.schema.names, label: label) }

        // Null labels read as 0 here and their rows are dropped just below.
        let labels = labelColumn.doubleValues(nullValue: 0)
        let keep = labelColumn.hasNulls ? (0..<batch.rowCount).filter { !labelColumn.isNull($0) } : nil
        do {
            let all = try TrainingData(features: columns, labels: labels, eventTimes: timeColumn.timestampMicros)
            data = keep.map { all.rows($0) } ?? all
        } catch {
            throw .invalid(error)
        }
        features = kept
        droppedRows = batch.rowCount - data.rowCount
    }

    /// Maps every lineage reference to the snapshot column holding it (`view__feature`, else `feature`).
    static func featureColumns(batch: ColumnBatch, lineage: [String]) throws(SnapshotTrainingError) -> [ModelFeature] {
        var out: [ModelFeature] = []
        for text in lineage {
            guard let reference = FeatureReference(parsing: text) else { throw .badLineage(text) }
            let full = "\(reference.view)__\(reference.feature)"
            if batch.schema.index(of: full) != nil {
                out.append(ModelFeature(name: full, reference: reference))
            } else if batch.schema.index(of: reference.feature) != nil {
                out.append(ModelFeature(name: reference.feature, reference: reference))
            } else {
                throw .missingColumn(reference.feature, role: "feature \(text)", available: batch.schema.names)
            }
        }
        return out
    }

    static func isNumeric(_ type: ValueType) -> Bool {
        switch type {
        case .bool, .int32, .int64, .float32, .float64: true
        case .string, .bytes, .timestamp: false
        }
    }
}

/// Why a snapshot cannot be turned into training data; each case says which column and what to do.
///
/// ```swift
/// // "the snapshot has no column trip_done (label); its columns are order_id, driver_id, ..."
/// ```
public enum SnapshotTrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingColumn(String, role: String, available: [String])
    case labelNotNumeric(String, type: ValueType)
    case labelAsFeature(String)
    case notAFeature(String, features: [String])
    case unsupportedType(String, type: ValueType)
    case badEventTimes(type: ValueType, nulls: Int)
    case badLineage(String)
    case noFeatures(columns: [String], label: String)
    case invalid(TrainingError)

    public var description: String {
        switch self {
        case .missingColumn(let name, let role, let available):
            "the snapshot has no column \(name) (\(role)); its columns are \(available.joined(separator: ", "))"
        case .labelNotNumeric(let name, let type):
            "label \(name) is \(type), but a label must be numeric (0/1 for classification); map it to numbers in the entity rows"
        case .labelAsFeature(let name):
            "\(name) is the label, so it cannot also be a feature; remove it from --features"
        case .notAFeature(let name, let features):
            "\(name) came from the entity rows, not from a feature view, so it cannot be looked up online when predicting; use features of the snapshot: \(features.joined(separator: ", "))"
        case .unsupportedType(let name, let type):
            "feature \(name) is \(type); models take numeric, boolean and string features"
        case .badEventTimes(let type, let nulls):
            "event_timestamp must be a timestamp column without nulls (it is \(type) with \(nulls) nulls); rebuild the snapshot with `larder training-set`"
        case .badLineage(let text):
            "the snapshot's lineage lists \"\(text)\", which is not a view:feature reference; re-save the snapshot"
        case .noFeatures(let columns, let label):
            "no feature columns besides the label \(label) among \(columns.joined(separator: ", ")); build the snapshot with features (`larder training-set --service ...`)"
        case .invalid(let error):
            "the snapshot does not make valid training data: \(error)"
        }
    }
}
