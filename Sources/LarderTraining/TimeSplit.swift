/// Splits training data by event time: the latest rows validate, as the model will meet the future.
///
/// Rows are ordered by event time, ties by original row index, and the last
/// `round(rowCount × validationFraction)` rows of that order form the validation part. Never random.
/// Each part keeps the original row order (the order does not change a model, and gathering rows in
/// ascending order is cache-friendly).
///
/// ```swift
/// let split = try TimeSplit.split(data, validationFraction: 0.2)
/// split.train.rowCount       // 80 % of the rows, the earliest
/// split.validation.rowCount  // 20 %, the latest
/// ```
public struct TimeSplit: Sendable {
    public var train: TrainingData
    public var validation: TrainingData
    /// Original row indices of each part, ascending.
    public var trainRows: [Int]
    public var validationRows: [Int]

    /// The row indices of each part, ascending; every validation row is at or after every training row
    /// in (event time, row index) order.
    public static func rowIndices(eventTimes: [Int64], validationFraction: Double) throws(TrainingError) -> (train: [Int], validation: [Int]) {
        guard validationFraction > 0, validationFraction < 1 else { throw .invalidValidationFraction(validationFraction) }
        let n = eventTimes.count
        let validationCount = Int((Double(n) * validationFraction).rounded())
        guard validationCount >= 1, n - validationCount >= 1 else {
            throw .notEnoughRows(part: validationCount < 1 ? "validation" : "training", rows: n, needed: 2)
        }
        let order = timeOrder(eventTimes)
        var isValidation = [Bool](repeating: false, count: n)
        for i in order[(n - validationCount)...] { isValidation[i] = true }
        var train: [Int] = [], validation: [Int] = []
        train.reserveCapacity(n - validationCount)
        validation.reserveCapacity(validationCount)
        for i in 0..<n {
            if isValidation[i] { validation.append(i) } else { train.append(i) }
        }
        return (train, validation)
    }

    /// Row indices ordered by event time, ties by row index: a stable LSD radix sort, 11 bits per pass,
    /// on the offset from the earliest time, so only the bits the time span needs are sorted
    /// (about four passes for a month of microsecond timestamps).
    static func timeOrder(_ times: [Int64]) -> [Int] {
        let n = times.count
        guard let earliest = times.min() else { return [] }
        // Offsets are exact in UInt64: t − min is in [0, 2⁶⁴) and wrapping subtraction yields it.
        var keys = times.map { UInt64(bitPattern: $0 &- earliest) }
        let span = keys.max() ?? 0
        let bits = 64 - span.leadingZeroBitCount
        var order = Array(0..<n)
        var keysOut = keys, orderOut = order
        let digitBits = 11, buckets = 1 << digitBits
        var counts = [Int](repeating: 0, count: buckets)
        for shift in stride(from: 0, to: bits, by: digitBits) {
            let digitShift = UInt64(shift), mask = UInt64(buckets - 1)
            keys.withUnsafeBufferPointer { k in
                order.withUnsafeBufferPointer { o in
                    keysOut.withUnsafeMutableBufferPointer { ko in
                        orderOut.withUnsafeMutableBufferPointer { oo in
                            counts.withUnsafeMutableBufferPointer { c in
                                for b in 0..<buckets { c[b] = 0 }
                                for key in k { c[Int((key >> digitShift) & mask)] += 1 }
                                var total = 0
                                for b in 0..<buckets { (c[b], total) = (total, total + c[b]) }
                                for i in 0..<n {
                                    let bucket = Int((k[i] >> digitShift) & mask)
                                    let position = c[bucket]
                                    c[bucket] = position + 1
                                    ko[position] = k[i]
                                    oo[position] = o[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keysOut)
            swap(&order, &orderOut)
        }
        return order
    }

    public static func split(_ data: TrainingData, validationFraction: Double = 0.2) throws(TrainingError) -> TimeSplit {
        let (trainRows, validationRows) = try rowIndices(eventTimes: data.eventTimes, validationFraction: validationFraction)
        return TimeSplit(train: data.rows(trainRows), validation: data.rows(validationRows),
                         trainRows: trainRows, validationRows: validationRows)
    }
}
