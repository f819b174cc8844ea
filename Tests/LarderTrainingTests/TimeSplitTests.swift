import Testing
@testable import LarderTraining

@Suite struct TimeSplitTests {
    @Test func latestRowsValidate() throws {
        let times: [Int64] = [50, 10, 40, 20, 30, 60, 0, 70, 90, 80]
        let data = try TrainingData(features: [.numeric("x", times.map { Double($0) })], labels: Array(repeating: 0, count: 10), eventTimes: times)
        let split = try TimeSplit.split(data, validationFraction: 0.2)
        #expect(split.validationRows == [8, 9])          // times 90 and 80, the two latest
        #expect(split.trainRows == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(split.validation.eventTimes == [90, 80])
        #expect(split.train.eventTimes.max()! <= split.validation.eventTimes.min()!)
        guard case .numeric(let values, _) = split.validation.features[0].storage else { Issue.record("not numeric"); return }
        #expect(values == [90, 80])
    }

    @Test func tiesAreBrokenByRowIndex() throws {
        let times: [Int64] = [5, 5, 5, 5, 1]
        let (train, validation) = try TimeSplit.rowIndices(eventTimes: times, validationFraction: 0.4)
        #expect(train == [0, 1, 4])
        #expect(validation == [2, 3])   // of the four rows at time 5, the last two by index
    }

    @Test func validationSizeIsRounded() throws {
        let (train, validation) = try TimeSplit.rowIndices(eventTimes: sequentialTimes(7), validationFraction: 0.2)
        #expect(validation == [6])   // round(1.4) = 1
        #expect(train.count == 6)
    }

    @Test func invalidFractionsAreRejected() {
        #expect(throws: TrainingError.invalidValidationFraction(1)) {
            try TimeSplit.rowIndices(eventTimes: sequentialTimes(10), validationFraction: 1)
        }
        #expect(throws: TrainingError.notEnoughRows(part: "validation", rows: 2, needed: 2)) {
            try TimeSplit.rowIndices(eventTimes: sequentialTimes(2), validationFraction: 0.1)
        }
    }

    @Test func propertySplitIsOrderedAndComplete() throws {
        var random = TestRandom(seed: 11)
        for _ in 0..<200 {
            let n = 2 + random.int(60)
            let times = (0..<n).map { _ in Int64(random.int(8)) }
            let fraction = random.uniform(0.05...0.95)
            guard let (train, validation) = try? TimeSplit.rowIndices(eventTimes: times, validationFraction: fraction) else { continue }
            #expect((train + validation).sorted() == Array(0..<n))
            #expect(validation.count == Int((Double(n) * fraction).rounded()))
            #expect(train == train.sorted() && validation == validation.sorted())
            // Every validation row comes after every training row in (time, index) order.
            let lastTrain = train.max { (times[$0], $0) < (times[$1], $1) }!
            let firstValidation = validation.min { (times[$0], $0) < (times[$1], $1) }!
            #expect((times[lastTrain], lastTrain) < (times[firstValidation], firstValidation))
        }
    }

    @Test func mismatchedColumnsAreRejected() {
        #expect(throws: TrainingError.lengthMismatch(feature: "x", expected: 2, actual: 3)) {
            try TrainingData(features: [.numeric("x", [1, 2, 3])], labels: [0, 1], eventTimes: [0, 1])
        }
        #expect(throws: TrainingError.duplicateFeature("x")) {
            try TrainingData(features: [.numeric("x", [1, 2]), .categorical("x", ["a", "b"])], labels: [0, 1], eventTimes: [0, 1])
        }
        #expect(throws: TrainingError.nonFiniteLabel(row: 1, value: .infinity)) {
            try TrainingData(features: [], labels: [0, .infinity], eventTimes: [0, 1])
        }
    }
}

@Suite struct TimeOrderTests {
    @Test func radixOrderMatchesAComparisonSort() {
        var random = TestRandom(seed: 17)
        for round in 0..<50 {
            let n = random.int(300)
            // Mix eras, negative times and many ties.
            let times: [Int64] = (0..<n).map { _ in
                switch round % 3 {
                case 0: Int64(random.int(5))
                case 1: 1_767_225_600_000_000 + Int64(random.int(1_000_000_000))
                default: Int64(random.int(2_000)) - 1_000 + (random.chance(0.5) ? Int64.min / 2 : 0)
                }
            }
            let expected = (0..<n).sorted { times[$0] != times[$1] ? times[$0] < times[$1] : $0 < $1 }
            #expect(TimeSplit.timeOrder(times) == expected)
        }
        #expect(TimeSplit.timeOrder([Int64.max, Int64.min, 0, -1]) == [1, 3, 2, 0])
    }
}
