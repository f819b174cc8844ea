import Foundation
import Larder
import Testing
@testable import LarderTraining

@Suite struct PreprocessorTests {
    @Test func standardizationIsLearnedOnTrainingRowsOnly() throws {
        // The latest row (time 3) is an outlier that must not move the training statistics.
        let data = try TrainingData(features: [.numeric("x", [1, 3, 2, 1000])], labels: [0, 1, 0, 1], eventTimes: [0, 2, 1, 3])
        let split = try TimeSplit.split(data, validationFraction: 0.25)
        let pre = Preprocessor.fit(split.train, encoding: .standardized)
        let enc = pre.features[0]
        #expect(enc.mean == 2)
        #expect(enc.scale == (2.0 / 3).squareRoot())
        #expect(enc.hasIndicator == false)
        #expect(pre.outputNames == ["x"])
        let validation = try pre.transform(split.validation)
        let scale: Double = (2.0 / 3).squareRoot()
        let expected: Double = 998 / scale
        #expect(validation.values == [expected])
        #expect(try pre.transform(row: ["x": .float64(1000)]) == validation.values)
    }

    @Test func missingValuesAreImputedWithTheMeanAndFlagged() throws {
        let data = try TrainingData(features: [.numeric("x", [2, nil, 4, nil])], labels: [0, 1, 0, 1], eventTimes: sequentialTimes(4))
        let pre = Preprocessor.fit(data, encoding: .standardized)
        let enc = pre.features[0]
        #expect(enc.mean == 3)
        #expect(enc.scale == (2.0 / 4).squareRoot())     // imputed column 2, 3, 4, 3
        #expect(enc.hasIndicator)
        #expect(enc.indicatorMean == 0.5)
        #expect(enc.indicatorScale == 0.5)
        #expect(pre.outputNames == ["x", "x__missing"])
        let m = try pre.transform(data)
        #expect(m.row(1) == [0, 1])                      // imputed → standardized 0; indicator (1 − .5) / .5
        let first: Double = -1 / (0.5).squareRoot()
        #expect(m.row(0) == [first, -1])
        // Serving: null, absent key and NaN are all missing and match the batch encoding of a null.
        #expect(try pre.transform(row: ["x": .null]) == m.row(1))
        #expect(try pre.transform(row: [:]) == m.row(1))
        #expect(try pre.transform(row: ["x": .float64(.nan)]) == m.row(1))
        // Raw encoding (trees) keeps NaN.
        let raw = try Preprocessor.fit(data, encoding: .raw).transform(row: ["x": .null])
        #expect(raw.count == 1 && raw[0].isNaN)
    }

    @Test func categoriesAreOneHotWithOtherAndMissing() throws {
        let cities: [String?] = ["Paris", "Lyon", "Paris", nil, "Nice", "Paris", "Lyon"]
        let data = try TrainingData(features: [.categorical("city", cities)], labels: Array(repeating: 0, count: 7), eventTimes: sequentialTimes(7))
        let pre = Preprocessor.fit(data, encoding: .standardized, maxCategories: 2)
        #expect(pre.features[0].categories == ["Paris", "Lyon"])      // by frequency, rare Nice → other
        #expect(pre.outputNames == ["city=Paris", "city=Lyon", "city__other", "city__missing"])
        #expect(try pre.transform(row: ["city": .string("Lyon")]) == [0, 1, 0, 0])
        #expect(try pre.transform(row: ["city": .string("Nice")]) == [0, 0, 1, 0])
        #expect(try pre.transform(row: ["city": .string("Berlin")]) == [0, 0, 1, 0])   // unseen
        #expect(try pre.transform(row: ["city": .null]) == [0, 0, 0, 1])
        let trees = Preprocessor.fit(data, encoding: .raw, maxCategories: 2)
        #expect(try trees.transform(row: ["city": .string("Paris")]) == [0])
        #expect(try trees.transform(row: ["city": .string("Berlin")]) == [2])
        #expect(try trees.transform(row: ["city": .null])[0].isNaN)
    }

    @Test func categoryTiesAreOrderedByName() throws {
        let data = try TrainingData(features: [.categorical("c", ["b", "a", "c", "a", "b"])], labels: [0, 0, 0, 0, 0], eventTimes: sequentialTimes(5))
        #expect(Preprocessor.fit(data, encoding: .raw).features[0].categories == ["a", "b", "c"])
    }

    @Test func wrongServingTypesAreReported() throws {
        let data = try TrainingData(features: [.numeric("x", [1, 2]), .categorical("c", ["a", "b"])], labels: [0, 1], eventTimes: [0, 1])
        let pre = Preprocessor.fit(data, encoding: .standardized)
        #expect(throws: TrainingError.typeMismatch(feature: "x", expected: "numeric", actual: .string)) {
            try pre.transform(row: ["x": .string("1")])
        }
        #expect(throws: TrainingError.typeMismatch(feature: "c", expected: "string", actual: .int64)) {
            try pre.transform(row: ["x": .int64(1), "c": .int64(3)])
        }
    }

    /// Batch and serving encodings are bit-identical for random rows with nulls, NaN, unseen categories.
    @Test(arguments: [Preprocessor.Encoding.standardized, .raw])
    func batchAndSingleRowAreBitIdentical(encoding: Preprocessor.Encoding) throws {
        var random = TestRandom(seed: 3)
        let n = 400
        var a: [Double?] = [], b: [Double?] = [], c: [String?] = []
        for _ in 0..<n {
            a.append(random.chance(0.1) ? nil : random.normal() * 1e3)
            b.append(random.chance(0.2) ? nil : Double(Float(random.uniform())))
            c.append(random.chance(0.1) ? nil : ["x", "y", "z", "w"][random.int(4)])
        }
        let train = try TrainingData(features: [.numeric("a", a), .numeric("b", b), .categorical("c", c)],
                                     labels: Array(repeating: 0, count: n), eventTimes: sequentialTimes(n))
        let pre = Preprocessor.fit(train, encoding: encoding, maxCategories: 3)
        // Fresh rows, including categories and values never seen in training.
        var rows: [[String: Value]] = []
        var ca: [Double?] = [], cb: [Double?] = [], cc: [String?] = []
        for _ in 0..<500 {
            let x: Double? = random.chance(0.15) ? nil : random.normal() * 1e4
            let y: Float? = random.chance(0.15) ? nil : Float(random.uniform())
            let z: String? = random.chance(0.15) ? nil : ["x", "y", "z", "w", "unseen"][random.int(5)]
            ca.append(x); cb.append(y.map(Double.init)); cc.append(z)
            rows.append(["a": x.map { .float64($0) } ?? .null, "b": y.map { .float32($0) } ?? .null, "c": z.map { .string($0) } ?? .null])
        }
        let batch = try pre.transform(TrainingData(features: [.numeric("a", ca), .numeric("b", cb), .categorical("c", cc)],
                                                   labels: Array(repeating: 0, count: 500), eventTimes: sequentialTimes(500)))
        for (r, row) in rows.enumerated() {
            let single = try pre.transform(row: row)
            #expect(single.map(\.bitPattern) == batch.row(r).map(\.bitPattern))
        }
    }

    @Test func encodingSurvivesJSON() throws {
        let data = try TrainingData(features: [.numeric("x", [0.1, nil, 0.7]), .categorical("c", ["a", nil, "b"])], labels: [0, 1, 0], eventTimes: [0, 1, 2])
        let pre = Preprocessor.fit(data, encoding: .standardized)
        let decoded = try JSONDecoder().decode(Preprocessor.self, from: JSONEncoder().encode(pre))
        #expect(decoded == pre)
        #expect(try decoded.transform(row: ["c": .string("b")]) == pre.transform(row: ["c": .string("b")]))
    }
}
