import Foundation
import Larder
import Testing
@testable import LarderTraining

/// A rides-like data set: two numeric features with nulls, one string feature, a label that depends on them.
func ridesData(rows n: Int, seed: UInt64, regression: Bool = false) throws -> TrainingData {
    var random = TestRandom(seed: seed)
    var rate: [Double?] = [], trips: [Double?] = [], city: [String?] = [], labels: [Double] = [], times: [Int64] = []
    let cities = ["Paris", "Lyon", "Nice", "Lille", "Metz"]
    for _ in 0..<n {
        let r = random.uniform(), t = Double(random.int(1000)), c = random.int(5)
        rate.append(random.chance(0.1) ? nil : Double(Float(r)))
        trips.append(random.chance(0.05) ? nil : t)
        city.append(random.chance(0.05) ? nil : cities[c])
        let z = 3 * (r - 0.5) + 0.001 * (t - 500) + (c == 2 ? 0.8 : 0)
        labels.append(regression ? z + 0.1 * random.normal() : (random.chance(sigmoidForTests(z)) ? 1 : 0))
        times.append(Int64(random.int(1_000_000)) * 1_000)
    }
    return try TrainingData(features: [.numeric("conv_rate", rate), .numeric("avg_daily_trips", trips), .categorical("city", city)],
                            labels: labels, eventTimes: times)
}

/// The serving rows of a data set (float32 and int values, as an online store returns them).
func servingRows(_ data: TrainingData) -> [[String: Value]] {
    (0..<data.rowCount).map { r in
        var row: [String: Value] = [:]
        for column in data.features {
            switch column.storage {
            case .numeric(let values, let isValid):
                row[column.name] = isValid[r] ? (column.name == "conv_rate" ? .float32(Float(values[r])) : .int32(Int32(values[r]))) : .null
            case .categorical(let values):
                row[column.name] = values[r].map { .string($0) } ?? .null
            }
        }
        return row
    }
}

@Suite struct ModelTrainerTests {
    static let models: [TrainingOptions.Model] = [
        .logisticRegression(.init()),
        .gradientBoostedTrees(.init(loss: .logLoss, maxIterations: 40)),
    ]

    @Test(arguments: models)
    func classifiersBeatTheBaseline(model: TrainingOptions.Model) throws {
        let data = try ridesData(rows: 4_000, seed: 1)
        let result = try ModelTrainer.train(data, options: TrainingOptions(model: model, seed: 7))
        #expect(result.trainRows == 3_200 && result.validationRows == 800)
        guard case .classification(let m, let b) = result.evaluation else { Issue.record("expected classification"); return }
        #expect(b.auc == 0.5)
        #expect(m.auc! > 0.7)
        #expect(m.logLoss < b.logLoss)
        #expect(m.brier < b.brier)
    }

    @Test func ridgeRegressionBeatsTheMean() throws {
        let data = try ridesData(rows: 3_000, seed: 2, regression: true)
        let result = try ModelTrainer.train(data, options: TrainingOptions(model: .linearRegression(.init(l2: 1))))
        guard case .regression(let m, let b) = result.evaluation else { Issue.record("expected regression"); return }
        #expect(m.r2 > 0.8)
        #expect(b.r2 <= 0.01)
        #expect(m.rmse < b.rmse && m.mae < b.mae)
    }

    @Test(arguments: models + [.linearRegression(.init()), .gradientBoostedTrees(.init(loss: .squaredError, maxIterations: 20))])
    func sameInputsGiveTheSameBytes(model: TrainingOptions.Model) throws {
        let data = try ridesData(rows: 3_000, seed: 3, regression: !model.isClassifier)
        let options = TrainingOptions(model: model, seed: 42)
        let first = try ModelTrainer.train(data, options: options).artifact.serialized()
        let second = try ModelTrainer.train(data, options: options).artifact.serialized()
        #expect(first == second)
        // Decoding gives back the same model, and re-encoding the same bytes.
        let decoded = try ModelArtifact(bytes: first)
        #expect(try decoded.serialized() == first)
        #expect(decoded == (try ModelArtifact(bytes: second)))
    }

    /// Offline/online parity: batch prediction from columns equals single-row prediction from served values.
    @Test(arguments: models + [.linearRegression(.init()), .gradientBoostedTrees(.init(loss: .squaredError, maxIterations: 20))])
    func batchAndServingPredictionsAreIdentical(model: TrainingOptions.Model) throws {
        let data = try ridesData(rows: 2_000, seed: 4, regression: !model.isClassifier)
        let result = try ModelTrainer.train(data, options: TrainingOptions(model: model))
        let artifact = try ModelArtifact(bytes: result.artifact.serialized())
        let batch = try artifact.predict(data)
        let single = try artifact.predict(rows: servingRows(data))
        #expect(batch.map(\.bitPattern) == single.map(\.bitPattern))
        // The reported validation predictions are the artifact's.
        let split = try TimeSplit.split(data, validationFraction: 0.2)
        #expect(try artifact.predict(split.validation) == result.validationPredictions)
    }

    @Test func missingFeaturesAreImputedWhenServing() throws {
        let data = try ridesData(rows: 2_000, seed: 5)
        let result = try ModelTrainer.train(data, options: TrainingOptions(model: .logisticRegression(.init())))
        let artifact = result.artifact
        let absent = try artifact.predict(row: [:])
        let nulls = try artifact.predict(row: ["conv_rate": .null, "avg_daily_trips": .null, "city": .null])
        #expect(absent == nulls)
        #expect(absent > 0 && absent < 1)
        let x = try artifact.preprocessor.transform(row: [:])
        #expect(x[0] == 0)   // conv_rate imputed with its training mean, standardized to 0
    }

    @Test func boostedTreesMatchTheirTrainingScores() throws {
        // Predictions from raw values through the artifact equal what boosting computed on bins.
        let data = try ridesData(rows: 3_000, seed: 6)
        var options = GradientBoostingOptions(loss: .logLoss, maxIterations: 30)
        options.earlyStopping = false
        let result = try ModelTrainer.train(data, options: TrainingOptions(model: .gradientBoostedTrees(options), seed: 1))
        let split = try TimeSplit.split(data, validationFraction: 0.2)
        let pre = result.artifact.preprocessor
        let x = try pre.transform(split.train)
        let refit = try GradientBoostedTrees.fit(train: x, labels: split.train.labels, options: options, seed: 1)
        #expect(refit.ensemble == result.artifact.ensemble)
        let p = try result.artifact.predict(split.train)
        let manual = (0..<x.rows).map { sigmoidForTests(refit.ensemble.score(x.row($0))) }
        #expect(zip(p, manual).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func badLabelsAreReported() throws {
        let data = try TrainingData(features: [.numeric("x", [1, 2, 3, 4, 5])], labels: [0, 1, 0.5, 1, 0], eventTimes: sequentialTimes(5))
        #expect(throws: TrainingError.labelNotBinary(row: 2, value: 0.5)) {
            try ModelTrainer.train(data, options: TrainingOptions(model: .logisticRegression(.init())))
        }
        let empty = try TrainingData(features: [], labels: [0, 1, 0, 1, 0], eventTimes: sequentialTimes(5))
        #expect(throws: TrainingError.invalidOption(name: "features", value: "none", expected: "at least one feature column")) {
            try ModelTrainer.train(empty, options: TrainingOptions(model: .logisticRegression(.init())))
        }
        let single = try TrainingData(features: [.numeric("x", [1, 2, 3, 4, 5])], labels: [1, 1, 1, 1, 0], eventTimes: sequentialTimes(5))
        #expect(throws: TrainingError.singleClass(label: 1)) {
            try ModelTrainer.train(single, options: TrainingOptions(model: .logisticRegression(.init())))
        }
    }

    @Test func corruptArtifactsAreRejected() throws {
        let data = try ridesData(rows: 500, seed: 7)
        var artifact = try ModelTrainer.train(data, options: TrainingOptions(model: .logisticRegression(.init()))).artifact
        artifact.linear?.weights.removeLast()
        #expect(throws: TrainingError.self) { try ModelArtifact(bytes: artifact.serialized()) }
        #expect(throws: TrainingError.self) { try ModelArtifact(bytes: Array("{\"format\":1}".utf8)) }
        let error = TrainingError.invalidArtifact("x")
        #expect(error.description.contains("re-train"))
    }

    @Test func artifactJSONIsSortedAndRoundTripsDoubles() throws {
        let data = try ridesData(rows: 800, seed: 8)
        let artifact = try ModelTrainer.train(data, options: TrainingOptions(model: .logisticRegression(.init()))).artifact
        let text = String(decoding: try artifact.serialized(), as: UTF8.self)
        #expect(text.hasPrefix("{\"ensemble\"") || text.hasPrefix("{\"features\""))
        #expect(!text.contains("\n"))
        let decoded = try ModelArtifact(bytes: Array(text.utf8))
        #expect(decoded.linear!.weights.map(\.bitPattern) == artifact.linear!.weights.map(\.bitPattern))
        #expect(decoded.preprocessor.features.map(\.scale.bitPattern) == artifact.preprocessor.features.map(\.scale.bitPattern))
    }
}

@Suite struct ArtifactFormatTests {
    @Test func artifactJSONHasTheDocumentedShape() throws {
        let data = try TrainingData(features: [.numeric("x", [0, 1, 2, 3, nil, 5, 6, 7, 8, 9])],
                                    labels: [0, 0, 1, 0, 1, 1, 0, 1, 1, 1], eventTimes: sequentialTimes(10))
        let artifact = try ModelTrainer.train(data, options: TrainingOptions(model: .linearRegression(.init(l2: 2)), seed: 3)).artifact
        let json = try #require(try JSONSerialization.jsonObject(with: Data(artifact.serialized())) as? [String: Any])
        #expect(json.keys.sorted() == ["features", "format", "kind", "linear", "options", "preprocessor", "version"])
        #expect(json["format"] as? String == "larder.model")
        #expect(json["kind"] as? String == "linearRegression")
        let options = try #require(json["options"] as? [String: Any])
        let model = try #require(options["model"] as? [String: Any])
        #expect((model["linearRegression"] as? [String: Any])?["l2"] as? Double == 2)
        let pre = try #require(json["preprocessor"] as? [String: Any])
        #expect(pre["outputNames"] as? [String] == ["x", "x__missing"])
    }
}

@Suite struct ParallelDeterminismTests {
    /// 70,000 rows: enough for the multi-chunk (parallel) paths of every pass.
    @Test(arguments: [TrainingOptions.Model.logisticRegression(.init()), .gradientBoostedTrees(.init(loss: .logLoss, maxIterations: 8))])
    func parallelTrainingIsDeterministic(model: TrainingOptions.Model) throws {
        let data = try ridesData(rows: 70_000, seed: 9)
        let options = TrainingOptions(model: model, seed: 1)
        let first = try ModelTrainer.train(data, options: options)
        let second = try ModelTrainer.train(data, options: options)
        #expect(try first.artifact.serialized() == second.artifact.serialized())
        #expect(first.validationPredictions == second.validationPredictions)
        guard case .classification(let m, let b) = first.evaluation else { Issue.record("expected classification"); return }
        #expect(m.auc! > b.auc! + 0.1)
    }

    @Test func chunksCoverTheRowsAndDependOnlyOnTheCount() {
        for n in [0, 1, 65_535, 65_537, 1_000_003] {
            let chunks = ParallelChunks(count: n)
            #expect(chunks.ranges.first?.lowerBound == 0)
            #expect(chunks.ranges.last?.upperBound == n)
            #expect(zip(chunks.ranges, chunks.ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(chunks.count <= 16)
        }
    }
}

@Suite struct DedicatedThreadTests {
    @Test func trainingOnADedicatedThreadGivesTheSameModel() async throws {
        let data = try ridesData(rows: 1_000, seed: 10)
        let options = TrainingOptions(model: .logisticRegression(.init()))
        let awaited = try await ModelTrainer.trainOnDedicatedThread(data, options: options)
        let direct = try ModelTrainer.train(data, options: options)
        #expect(try awaited.artifact.serialized() == direct.artifact.serialized())
        await #expect(throws: TrainingError.invalidValidationFraction(2)) {
            try await ModelTrainer.trainOnDedicatedThread(data, options: TrainingOptions(model: .logisticRegression(.init()), validationFraction: 2))
        }
    }
}
