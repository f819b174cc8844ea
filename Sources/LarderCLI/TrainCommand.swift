import LarderRegistry
import ArgumentParser
import Foundation
import Larder
import LarderTraining

/// `larder train`: a model from a saved snapshot, evaluated on its latest rows and registered.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a snapshot, validate it on the latest rows and register it.",
        discussion: """
            The snapshot's feature columns (not its join keys, ids, event_timestamp or other entity columns)
            are the inputs unless --features narrows them; string features are one-hot (linear models) or
            ordinal (trees) encoded. The latest --validation-fraction of rows by event_timestamp validates,
            never a random sample. Preprocessing (standardization, imputation, null indicators, categories)
            is learned on the training rows and stored in the model. Metrics are printed beside a baseline
            (the training prior rate or mean). The same snapshot, options and seed give the same model bytes.

            The model is registered as the next version of --name (default: the label's name), with its
            lineage, in <home>/models/<name>/v<version>.json; `larder models promote` puts it in production.

            Examples:
              larder train --snapshot rides_demo --label trip_completed
              larder train --snapshot rides_demo --label trip_completed --model gbt --name trips_gbt --json
              larder train --snapshot rides_demo --label trip_completed --features conv_rate,acc_rate --seed 7
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The snapshot to train on (`larder snapshots list`).")
    var snapshot: String

    @Option(help: "The column to predict: 0/1 for logistic and gbt classification, any number for linear.")
    var label: String

    @Option(help: "logistic, linear or gbt (gradient-boosted trees; log loss for a 0/1 label, else squared error).")
    var model: String = "logistic"

    @Option(help: "The model's name in the registry (default: the label).")
    var name: String?

    @Option(help: "Comma-separated feature columns (default: every feature column of the snapshot).")
    var features: String?

    @Option(help: "Share of the latest rows (by event_timestamp) that validate.")
    var validationFraction: Double = 0.2

    @Option(help: "Seed of every random choice (the tree binning sample).")
    var seed: UInt64 = 0

    @Option(help: "L2 penalty (logistic/linear: on the weights; gbt: on the leaf values).")
    var l2: Double?

    @Option(help: "Solver iterations (logistic) or boosting rounds at most (gbt).")
    var iterations: Int?

    @Option(help: "Shrinkage of every tree (gbt).")
    var learningRate: Double?

    @Flag(help: "Boost all --iterations rounds instead of stopping when the validation loss stops improving (gbt).")
    var noEarlyStopping = false

    @Flag(help: "Print the result as JSON: {\"model\", \"version\", \"rows\", \"metrics\", \"baseline\", ...}.")
    var json = false

    func validate() throws {
        guard ModelFamily(rawValue: model) != nil else { throw ValidationError("--model must be logistic, linear or gbt, not \(model)") }
        guard validationFraction > 0, validationFraction < 1 else { throw ValidationError("--validation-fraction must be between 0 and 1 (exclusive)") }
    }

    func run() throws {
        let started = Date()
        let registry = try Project(options).openRegistry()
        let service = try ModelService(home: options.homeDirectory, database: registry.database)
        let progress = ProgressLine()
        let request = ModelService.Request(
            snapshot: snapshot, label: label,
            features: features.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
            family: ModelFamily(rawValue: model)!, name: name, validationFraction: validationFraction, seed: seed,
            l2: l2, iterations: iterations, learningRate: learningRate, earlyStopping: !noEarlyStopping)
        let outcome = try service.train(request) { step in progress.show(step + " ...") }
        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        if json {
            print(String(decoding: TrainingReport.json(outcome, seconds: seconds), as: UTF8.self))
        } else {
            print(TrainingReport.text(outcome, seconds: seconds))
        }
    }
}

/// The output of `larder train` and `larder models show`.
enum TrainingReport {
    /// `{"model", "version", "kind", "snapshot", "label", "features", "rows": {"train", "validation"},
    /// "metrics": {...}, "baseline": {...}, "artifact": {"path", "sha256"}, "seconds"}`.
    static func json(_ outcome: ModelService.Outcome, seconds: Double) -> [UInt8] {
        var object = modelObject(outcome.model)
        object["dropped_rows"] = outcome.droppedRows
        object["seconds"] = (seconds * 1000).rounded() / 1000
        if case .gradientBoostedTrees = outcome.model.kind, let ensemble = outcome.result.artifact.ensemble {
            object["trees"] = ensemble.trees.count
        }
        return serialize(object)
    }

    static func modelObject(_ model: RegisteredModel) -> [String: Any] {
        [
            "model": model.name, "version": model.version, "kind": model.kind.rawValue, "label": model.label,
            "stage": model.stage.rawValue, "snapshot": model.snapshot, "snapshot_hash": model.snapshotHash,
            "registry_version": model.registryVersion,
            "features": model.features.map { ["name": $0.name, "reference": $0.reference.description] },
            "rows": ["train": model.trainRows, "validation": model.validationRows],
            "metrics": model.metrics, "baseline": model.baseline,
            "artifact": ["path": model.artifactPath, "sha256": model.artifactSHA256],
            "created": model.createdAt.iso8601(fractionalDigits: 0),
        ]
    }

    static func serialize(_ object: [String: Any]) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return [UInt8](data)
    }

    static func text(_ outcome: ModelService.Outcome, seconds: Double) -> String {
        let model = outcome.model
        var lines = ["registered \(model.reference) (\(model.kind.rawValue)) from snapshot \(model.snapshot) in \(String(format: "%.2f", seconds)) s",
                     "rows: \(model.trainRows) train, \(model.validationRows) validation (latest by event_timestamp)"
                        + (outcome.droppedRows > 0 ? ", \(outcome.droppedRows) dropped (null label)" : "")]
        if let ensemble = outcome.result.artifact.ensemble { lines.append("trees: \(ensemble.trees.count)") }
        lines.append("")
        lines.append(metricsTable(model))
        lines.append("")
        lines.append("artifact: \(model.artifactPath) (sha256 \(model.artifactSHA256.prefix(12)))")
        lines.append("next: larder models promote \(model.reference)")
        return lines.joined(separator: "\n")
    }

    static func metricsTable(_ model: RegisteredModel) -> String {
        var table = TextTable("METRIC", "MODEL", "BASELINE")
        for metric in RegisteredModel.metricNames(classifier: model.metrics["log_loss"] != nil) {
            table.add(metric, model.metrics[metric].map { String(format: "%.4f", $0) } ?? "-",
                      model.baseline[metric].map { String(format: "%.4f", $0) } ?? "-")
        }
        return table.rendered()
    }
}
