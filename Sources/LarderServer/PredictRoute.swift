import Foundation
import Hummingbird
import Larder
import LarderOnline
import LarderRegistry
import LarderTraining

/// The body of `POST /predict`: `{"model": "NAME" | "NAME@VERSION", "entities": {"join_key": [values...]}}`.
struct PredictRequest {
    var model: String
    var entities: [(name: String, values: [Value])]

    static func decode(_ bytes: [UInt8]) throws(APIError) -> PredictRequest {
        var reader = JSONReader(bytes)
        var model: String?
        var entities: [(name: String, values: [Value])]?
        do throws(JSONReader.Failure) {
            try OnlineFeaturesRequest.requireObject(&reader, path: "the body", expected: #"{"model": "NAME", "entities": {...}}"#)
            try reader.readObject { reader, key throws(JSONReader.Failure) in
                switch key {
                case "model":
                    guard try reader.peek() == .string else {
                        throw try OnlineFeaturesRequest.mismatch(&reader, path: "model", expected: "a model name in quotes")
                    }
                    model = try reader.readString()
                case "entities": entities = try OnlineFeaturesRequest.readEntities(&reader)
                default: try reader.skipValue()
                }
            }
            try reader.finish()
        } catch {
            throw APIError(error)
        }
        guard let model else { throw APIError.badRequest("INVALID_REQUEST", #"model is missing: give {"model": "NAME" or "NAME@VERSION", ...}"#) }
        guard let entities else { throw APIError.badRequest("INVALID_REQUEST", #"entities is missing: give {"entities": {"join_key": [values...]}}"#) }
        return PredictRequest(model: model, entities: entities)
    }
}

extension FeatureServer {
    /// `POST /predict`: looks up a registered model's features online for each entity row — through
    /// ``lookup(_:)``, so validation, the 400/503 answers and the metrics are those of
    /// `/get-online-features` — applies the model's stored preprocessing and answers its predictions.
    ///
    /// Request: `{"model": "trip_completed", "entities": {"driver_id": [1001, 1002], "customer_id": [5, 6]}}`;
    /// `"model"` is `NAME` for the production version or `NAME@VERSION` for one version.
    ///
    /// Response (200), row-major, one entry per entity row:
    /// ```json
    /// {"model": "trip_completed", "version": 2, "output": "probability",
    ///  "predictions": [0.83, 0.41],
    ///  "features": {"names": ["conv_rate", "acc_rate"],
    ///               "values": [[0.5, 0.25], [0.75, null]],
    ///               "statuses": [["PRESENT", "PRESENT"], ["PRESENT", "NULL_VALUE"]]},
    ///  "imputed": [0, 1]}
    /// ```
    /// - `output`: `probability` (classifiers: probability of label 1) or `value` (regressors).
    /// - `features.values` are the values served online; a null (status `NOT_FOUND`, `NULL_VALUE` or
    ///   `OUTSIDE_MAX_AGE`) was replaced by the model's stored imputation, and `imputed` counts them per row.
    ///
    /// Errors: 400 for a bad body, reference or entities (the lookup's codes, `INVALID_MODEL_REFERENCE`);
    /// 404 `MODEL_NOT_FOUND` / `NO_PRODUCTION_VERSION`; 409 `MODEL_FEATURES_CHANGED` when served values no
    /// longer have the trained types; 500 `MODEL_ARTIFACT_INVALID`; 503 when Redis or the registry is down.
    func predict(_ request: Request) async throws -> Response {
        let body = try PredictRequest.decode(try await jsonBody(request))
        let reference: ModelReference
        do {
            reference = try ModelReference(parsing: body.model)
        } catch {
            throw APIError.badRequest("INVALID_MODEL_REFERENCE", error.description)
        }
        let (model, artifact) = try await loadModel(reference)
        let result = try await lookup(OnlineLookup.Query(
            features: .references(model.features.map(\.reference.description)), entities: body.entities, fullFeatureNames: true))
        // The lookup answers the join key columns first, then the features in request order.
        let columns = Array(result.columns.dropFirst(body.entities.count))
        let predictions: [Double]
        do {
            predictions = try ModelPrediction.predict(artifact, features: model.features.map(\.name), columns: columns.map(\.values))
        } catch {
            throw APIError(.conflict, code: "MODEL_FEATURES_CHANGED",
                           message: "\(model.reference) cannot use the served values: \(error); re-train it on the current definitions")
        }
        state.metrics.add("larder_predictions_total{model=\"\(model.name)\"}", Double(predictions.count))
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: Self.predictionJSON(model: model, classifier: artifact.isClassifier,
                                                                                       predictions: predictions, columns: columns))))
    }

    /// Resolves and loads (or takes from the cache) the model, mapping registry failures to HTTP answers.
    private func loadModel(_ reference: ModelReference) async throws -> (RegisteredModel, ModelArtifact) {
        do {
            return try await PredictionModels.shared.model(reference, home: state.registry.home, database: state.registry.database,
                                                            refresh: state.configuration.reloadInterval)
        } catch let error as ModelRegistryError {
            switch error {
            case .unknownModel, .unknownVersion, .noProductionVersion:
                let code = if case .noProductionVersion = error { "NO_PRODUCTION_VERSION" } else { "MODEL_NOT_FOUND" }
                throw APIError(.notFound, code: code, message: error.description)
            case .invalidName, .invalidReference:
                throw APIError.badRequest("INVALID_MODEL_REFERENCE", error.description)
            case .artifactModified, .artifactUnreadable, .corruptEntry, .lineageMismatch:
                throw APIError(.internalServerError, code: "MODEL_ARTIFACT_INVALID", message: error.description)
            }
        } catch let error as TrainingError {
            throw APIError(.internalServerError, code: "MODEL_ARTIFACT_INVALID", message: error.description)
        } catch let error as SQLiteError {
            throw APIError(.serviceUnavailable, code: "MODEL_REGISTRY_UNAVAILABLE",
                           message: "the model registry cannot be read (\(error)); retry when the database is available")
        }
    }

    /// The response body documented on ``predict(_:)``.
    static func predictionJSON(model: RegisteredModel, classifier: Bool, predictions: [Double],
                               columns: [OnlineLookup.Result.Column]) -> [UInt8] {
        let rows = predictions.count
        var json = JSONText(capacity: 160 + rows * (24 + columns.count * 40))
        json.raw("{\"model\":")
        json.string(model.name)
        json.raw(",\"version\":\(model.version),\"output\":")
        json.raw(classifier ? "\"probability\"" : "\"value\"")
        json.raw(",\"predictions\":")
        json.array(predictions) { $0.value(.float64($1)) }
        json.raw(",\"features\":{\"names\":")
        json.array(model.features) { $0.string($1.name) }
        json.raw(",\"values\":")
        json.array(0..<rows) { json, r in json.array(columns) { $0.value($1.values[r]) } }
        json.raw(",\"statuses\":")
        json.array(0..<rows) { json, r in
            json.array(columns) { json, column in
                json.raw("\"")
                json.raw(column.statuses[r].rawValue)
                json.raw("\"")
            }
        }
        json.raw("},\"imputed\":")
        json.array(0..<rows) { json, r in json.raw(String(columns.reduce(0) { $0 + ($1.values[r].isNull ? 1 : 0) })) }
        json.raw("}")
        return json.bytes
    }
}
