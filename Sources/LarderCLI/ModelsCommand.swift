import LarderRegistry
import ArgumentParser
import Foundation
import Larder
import LarderTraining

/// `larder models list|show NAME[@VERSION]|promote NAME@VERSION`.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List registered models, show one with its lineage and metrics, or promote a version to production.",
        discussion: """
            Models are registered by `larder train`. Each name has versions 1, 2, 3, ...; at most one is in
            production, which `POST /predict {"model": "NAME"}` and `larder predict --model NAME` serve.
            Promoting a version archives the previous production version, in one transaction.

            Examples:
              larder models list
              larder models show trip_completed          # the production version
              larder models show trip_completed@2 --json
              larder models promote trip_completed@2
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "list, show or promote.")
    var action: String = "list"

    @Argument(help: "NAME or NAME@VERSION (show), NAME@VERSION (promote).")
    var model: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let registry = try Project(options).openRegistry()
        let models = try ModelRegistry(home: options.homeDirectory, database: registry.database)
        switch action {
        case "list":
            let all = try models.list()
            if json {
                print(String(decoding: TrainingReport.serialize(["models": all.map(TrainingReport.modelObject)]), as: UTF8.self))
                return
            }
            var table = TextTable("MODEL", "VERSION", "STAGE", "KIND", "SNAPSHOT", "METRIC", "BASELINE", "CREATED")
            for m in all {
                let metric = m.metrics["auc"] != nil ? "auc" : (m.metrics["rmse"] != nil ? "rmse" : "log_loss")
                table.add(m.name, String(m.version), m.stage.rawValue, m.kind.rawValue, m.snapshot,
                          m.metrics[metric].map { "\(metric) " + String(format: "%.4f", $0) } ?? "-",
                          m.baseline[metric].map { String(format: "%.4f", $0) } ?? "-", m.createdAt.iso8601(fractionalDigits: 0))
            }
            print(all.isEmpty ? "no models registered yet: `larder train --snapshot NAME --label COLUMN` registers one" : table.rendered())
        case "show":
            guard let model else { throw ValidationError("models show needs NAME or NAME@VERSION") }
            let m = try resolve(model, in: models)
            if json {
                print(String(decoding: TrainingReport.serialize(TrainingReport.modelObject(m)), as: UTF8.self))
                return
            }
            print("""
                model \(m.reference) (\(m.kind.rawValue)), stage \(m.stage.rawValue)
                label: \(m.label)
                snapshot: \(m.snapshot) (sha256 \(m.snapshotHash)), registry version \(m.registryVersion)
                features: \(m.features.map { "\($0.name) <- \($0.reference)" }.joined(separator: ", "))
                rows: \(m.trainRows) train, \(m.validationRows) validation
                options: \(try optionsJSON(m.options))
                artifact: \(options.homeDirectory)/\(m.artifactPath) (sha256 \(m.artifactSHA256))
                created: \(m.createdAt.iso8601(fractionalDigits: 0))

                """ + TrainingReport.metricsTable(m))
        case "promote":
            guard let model else { throw ValidationError("models promote needs NAME@VERSION") }
            let reference = try ModelReference(parsing: model)
            guard let version = reference.version else {
                throw ValidationError("models promote needs an exact version: \(reference.name)@VERSION (`larder models list` shows them)")
            }
            let previous = try? models.resolve(ModelReference(name: reference.name))
            let promoted = try models.promote(name: reference.name, version: version)
            let note = previous.map { $0.version == version ? " (it already was)" : " (\($0.reference) archived)" } ?? ""
            print("\(promoted.reference) is in production\(note)")
        default:
            throw ValidationError("unknown action \(action): use list, show or promote")
        }
    }

    private func optionsJSON(_ options: TrainingOptions) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(options), as: UTF8.self)
    }

    private func resolve(_ text: String, in models: ModelRegistry) throws -> RegisteredModel {
        let reference = try ModelReference(parsing: text)
        if reference.version == nil, let latest = try models.versions(of: reference.name).last,
           (try? models.resolve(reference)) == nil {
            return latest   // no production version yet: show the latest
        }
        return try models.resolve(reference)
    }
}
