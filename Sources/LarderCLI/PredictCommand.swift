import ArgumentParser
import Foundation
import Larder
import LarderOnline
import LarderRegistry
import LarderServer
import LarderTraining

/// `larder predict`: one prediction from the terminal, as `POST /predict` would answer it.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict for one entity row with a registered model, from its features served online.",
        discussion: """
            Looks up the model's features online (the lookup of /get-online-features), applies the model's
            stored preprocessing and prints the prediction with the features used and their statuses. A
            feature that is not found, null or older than its view's ttl gets the stored imputation.

            Examples:
              larder predict --model trip_completed --entity driver_id=1001 --entity customer_id=5
              larder predict --model trip_completed@2 --entity driver_id=1001 --entity customer_id=5 --json
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "NAME (the production version) or NAME@VERSION.")
    var model: String

    @Option(name: .customLong("entity"), help: "A join key and its value, key=value (repeatable).")
    var entities: [String] = []

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if entities.isEmpty { throw ValidationError("give at least one --entity key=value") }
    }

    func run() async throws {
        let project = Project(options)
        guard let registry = try project.existingRegistry() else {
            throw CLIError("nothing is registered in \(options.homeDirectory) yet: run `larder apply`, then `larder train`")
        }
        guard let version = try await registry.loadLatest() else {
            throw CLIError("nothing is registered in \(options.homeDirectory) yet: run `larder apply` first")
        }
        let models = try await ModelRegistry.open(home: options.homeDirectory, database: registry.database)
        let registered = try await models.resolve(try ModelReference(parsing: model))
        let artifact = try await models.loadArtifact(of: registered)
        let client = try project.redisClient()
        defer { client.shutdown() }
        let lookup = OnlineLookup(spec: version.spec, store: RedisOnlineStore(client: client), onDemandViews: project.repository.onDemandViews)
        let columns = try EntityArguments.columns(entities, spec: version.spec)
        let result: OnlineLookup.Result
        do {
            result = try await lookup.run(OnlineLookup.Query(features: .references(registered.features.map(\.reference.description)),
                                                             entities: columns, fullFeatureNames: true), now: .now())
        } catch let error as LookupError {
            throw CLIError("\(registered.reference): \(error.message)")
        } catch let error as OnDemandError {
            throw CLIError("\(registered.reference): \(error.description)")
        }
        let features = Array(result.columns.dropFirst(columns.count))
        let prediction = try ModelPrediction.predict(artifact, features: registered.features.map(\.name),
                                                     columns: features.map(\.values))[0]
        if json {
            print(String(decoding: TrainingReport.serialize([
                "model": registered.name, "version": registered.version,
                "output": artifact.isClassifier ? "probability" : "value", "prediction": prediction,
                "features": Dictionary(uniqueKeysWithValues: zip(registered.features, features).map { feature, column in
                    (feature.name, ["value": Self.jsonValue(column.values[0]), "status": column.statuses[0].rawValue])
                }),
            ]), as: UTF8.self))
            return
        }
        let what = artifact.isClassifier ? "probability of \(registered.label) = 1" : registered.label
        print("\(registered.reference): \(what) = \(String(format: "%.6f", prediction))")
        var table = TextTable("FEATURE", "FROM", "VALUE", "STATUS", "USED AS")
        for (feature, column) in zip(registered.features, features) {
            let value = column.values[0]
            table.add(feature.name, feature.reference.description, value.description, column.statuses[0].rawValue,
                      value.isNull ? "imputed" : "served")
        }
        print(table.rendered())
    }

    /// Numbers as JSON numbers, null as null, anything else as its text.
    private static func jsonValue(_ value: Value) -> Any {
        if value.isNull { return NSNull() }
        if case .string(let s) = value { return s }
        return value.doubleValue ?? value.description
    }
}
