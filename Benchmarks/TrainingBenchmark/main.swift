// Release benchmark of LarderTraining on the rides training set exported by scripts/export_training_set.py.
// usage: TrainingBenchmark TRAINING.bin
// Prints, per model, the time of ModelTrainer.train (split + preprocessing + fit + validation metrics)
// and the validation AUC / log loss beside the baseline. See scripts/bench-training.sh.
import Foundation
import LarderTraining

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
}

func readTrainingSet(_ path: String) throws -> TrainingData {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw BenchmarkError(description: "cannot read \(path); create it with scripts/export_training_set.py")
    }
    let bytes = [UInt8](data)
    var offset = 0
    func int64() -> Int64 {
        var v: Int64 = 0
        for k in 0..<8 { v |= Int64(bytes[offset + k]) << (8 * k) }
        offset += 8
        return v
    }
    guard bytes.count >= 24, String(decoding: bytes[0..<8], as: UTF8.self) == "LARDTRN1" else {
        throw BenchmarkError(description: "\(path) is not a LARDTRN1 file")
    }
    offset = 8
    let rows = Int(int64()), featureCount = Int(int64())
    var names: [String] = []
    for _ in 0..<featureCount {
        let length = Int(int64())
        names.append(String(decoding: bytes[offset..<(offset + length)], as: UTF8.self))
        offset += length
    }
    guard bytes.count == offset + rows * 8 * (featureCount + 2) else {
        throw BenchmarkError(description: "\(path) has \(bytes.count) bytes, expected \(offset + rows * 8 * (featureCount + 2))")
    }
    func doubles() -> [Double] {
        let out = [Double](unsafeUninitializedCapacity: rows) { buffer, count in
            bytes.withUnsafeBytes { raw in
                for i in 0..<rows {
                    buffer[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + i * 8, as: UInt64.self)))
                }
            }
            count = rows
        }
        offset += rows * 8
        return out
    }
    var columns: [FeatureColumn] = []
    for name in names {
        let values = doubles()
        columns.append(.numeric(name, values: values.map { $0.isNaN ? 0 : $0 }, isValid: values.map { !$0.isNaN }))
    }
    let labels = doubles()
    let times = doubles().map { Int64(bitPattern: $0.bitPattern) }
    return try TrainingData(features: columns, labels: labels, eventTimes: times)
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// CPU seconds (user + system) of the whole process: robust to other processes sharing the cores.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

func run(_ name: String, _ data: TrainingData, _ model: TrainingOptions.Model) throws {
    let clock = ContinuousClock()
    var result: TrainingResult?
    let cpuBefore = cpuSeconds()
    let elapsed = try clock.measure { result = try ModelTrainer.train(data, options: TrainingOptions(model: model, seed: 7)) }
    let cpu = cpuSeconds() - cpuBefore
    guard let result, case .classification(let m, let b) = result.evaluation else { return }
    let trees = result.artifact.ensemble.map { " trees \($0.trees.count)" } ?? ""
    let artifactBytes = try result.artifact.serialized()
    let bytes = artifactBytes.count
    // LARDER_ARTIFACT_DIR=dir writes each artifact, to compare bytes across runs (reproducibility).
    if let directory = ProcessInfo.processInfo.environment["LARDER_ARTIFACT_DIR"] {
        let file = directory + "/" + name.filter { $0.isLetter || $0.isNumber || $0 == "-" } + ".json"
        guard FileManager.default.createFile(atPath: file, contents: Data(artifactBytes)) else {
            throw BenchmarkError(description: "cannot write \(file)")
        }
    }
    print(String(format: "larder %@ train %7.3f s (cpu %6.2f s)  AUC %.4f  logloss %.4f  accuracy %.4f  brier %.4f | baseline AUC %.4f logloss %.4f | train %d valid %d | artifact %d B%@",
                 name.padding(toLength: 22, withPad: " ", startingAt: 0), seconds(elapsed), cpu, m.auc ?? .nan, m.logLoss, m.accuracy, m.brier, b.auc ?? .nan, b.logLoss,
                 result.trainRows, result.validationRows, bytes, trees))
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: TrainingBenchmark TRAINING.bin [all|logistic|gbt|stages]")
    exit(2)
}
let mode = arguments.count > 2 ? arguments[2] : "all"
let data = try readTrainingSet(arguments[1])
var gbt = GradientBoostingOptions(loss: .logLoss)
if mode == "all" || mode == "logistic" {
    try run("logistic", data, .logisticRegression(.init(l2: 1)))
}
if mode == "all" || mode == "gbt" {
    gbt.earlyStopping = false
    try run("hist-gbt(100)", data, .gradientBoostedTrees(gbt))
}
if mode == "all" {
    gbt.earlyStopping = true
    try run("hist-gbt(early stop)", data, .gradientBoostedTrees(gbt))
}

// Stage timings, to see where training time goes.
if mode == "stages" {
    let clock = ContinuousClock()
    var split: TimeSplit?
    print("stage split:", seconds(try clock.measure { split = try TimeSplit.split(data, validationFraction: 0.2) }))
    var pre: Preprocessor?
    print("stage preprocessor fit:", seconds(clock.measure { pre = Preprocessor.fit(split!.train, encoding: .raw) }))
    var x: DenseMatrix?, xv: DenseMatrix?
    print("stage transform:", seconds(try clock.measure { x = try pre!.transform(split!.train); xv = try pre!.transform(split!.validation) }))
    gbt.earlyStopping = false
    print("stage gbt fit:", seconds(try clock.measure {
        _ = try GradientBoostedTrees.fit(train: x!, labels: split!.train.labels, validation: xv!, validationLabels: split!.validation.labels, options: gbt, seed: 7)
    }))
    let pl = Preprocessor.fit(split!.train, encoding: .standardized)
    let xl = try pl.transform(split!.train)
    var iterations = 0
    print("stage logistic fit:", seconds(try clock.measure { iterations = try LogisticRegression.fit(xl, labels: split!.train.labels).iterations }),
          "iterations:", iterations)
}
