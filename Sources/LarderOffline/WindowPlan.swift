import Larder
import LarderColumnar

/// One aggregation over one window of a key's sorted events.
struct WindowPlan {
    let aggregation: Aggregation
    let input: WindowInput?

    /// What a window gives, before it becomes a column.
    enum Result {
        case count(Int64)
        case integer(Int64?)
        case number(Double?)
        /// The event row whose value the feature takes (min, max, last); -1 for none.
        case winner(Int32)
    }

    /// The aggregate over positions `window` of `sorted`.
    @inline(__always)
    func compute(_ window: Range<Int>, sorted: SortedEvents) -> Result {
        switch aggregation.operation {
        case .count: return .count(Int64(window.count))
        case .sum: return input.unsafelyUnwrapped.ordersByNumber ? .number(sum(window)) : .integer(integerSum(window))
        case .mean: return .number(mean(window))
        case .stddev: return .number(stddev(window))
        case .min: return .winner(extreme(window, sorted: sorted, greatest: false))
        case .max: return .winner(extreme(window, sorted: sorted, greatest: true))
        case .last: return .winner(last(window, sorted: sorted))
        case .lastK: return .winner(-1)
        }
    }

    private func sum(_ window: Range<Int>) -> Double? {
        let input = input.unsafelyUnwrapped
        var total = 0.0, any = false
        for p in window where input.valid[p] {
            total += input.numbers[p]
            any = true
        }
        return any ? total : nil
    }

    private func integerSum(_ window: Range<Int>) -> Int64? {
        let input = input.unsafelyUnwrapped
        var total: Int64 = 0, any = false
        for p in window where input.valid[p] {
            total &+= input.integers[p]
            any = true
        }
        return any ? total : nil
    }

    private func mean(_ window: Range<Int>) -> Double? {
        let input = input.unsafelyUnwrapped
        var total = 0.0, n = 0
        for p in window where input.valid[p] {
            total += input.numbers[p]
            n += 1
        }
        return n > 0 ? total / Double(n) : nil
    }

    /// The sample standard deviation, by Welford's update (no sum of squares to cancel).
    private func stddev(_ window: Range<Int>) -> Double? {
        let input = input.unsafelyUnwrapped
        var n = 0.0, mean = 0.0, m2 = 0.0
        for p in window where input.valid[p] {
            let x = input.numbers[p]
            n += 1
            let delta = x - mean
            mean += delta / n
            m2 += delta * (x - mean)
        }
        return n >= 2 ? (m2 / (n - 1)).squareRoot() : nil
    }

    private func extreme(_ window: Range<Int>, sorted: SortedEvents, greatest: Bool) -> Int32 {
        let input = input.unsafelyUnwrapped
        var best = -1
        for p in window where input.valid[p] {
            if best < 0 || (greatest ? input.precedes(best, p) : input.precedes(p, best)) { best = p }
        }
        return best < 0 ? -1 : sorted.order[best]
    }

    /// The latest present value by (event time, created); among events tied on both, the greatest value.
    private func last(_ window: Range<Int>, sorted: SortedEvents) -> Int32 {
        let input = input.unsafelyUnwrapped
        var p = window.upperBound - 1
        while p >= window.lowerBound && !input.valid[p] { p -= 1 }
        guard p >= window.lowerBound else { return -1 }
        var best = p
        var q = p - 1
        while q >= window.lowerBound && sorted.times[q] == sorted.times[p] && sorted.created[q] == sorted.created[p] {
            if input.valid[q] && input.precedes(best, q) { best = q }
            q -= 1
        }
        return sorted.order[best]
    }
}

/// One aggregation's values for every entity row, written by key groups in parallel (each row once).
final class WindowOutput {
    private let rows: Int
    private let integers: UnsafeMutablePointer<Int64>
    private let numbers: UnsafeMutablePointer<Double>
    private let valid: UnsafeMutablePointer<Bool>
    private let winners: UnsafeMutablePointer<Int32>

    /// Every row starts as an empty window: count 0, everything else null.
    init(rows: Int, plan: WindowPlan) {
        self.rows = rows
        let n = max(rows, 1)
        integers = .allocate(capacity: n)
        integers.initialize(repeating: 0, count: n)
        numbers = .allocate(capacity: n)
        numbers.initialize(repeating: 0, count: n)
        valid = .allocate(capacity: n)
        valid.initialize(repeating: plan.aggregation.operation == .count, count: n)
        winners = .allocate(capacity: n)
        winners.initialize(repeating: -1, count: n)
    }

    func deallocate() {
        integers.deallocate()
        numbers.deallocate()
        valid.deallocate()
        winners.deallocate()
    }

    @inline(__always) func store(_ result: WindowPlan.Result, at row: Int) {
        switch result {
        case .count(let n):
            integers[row] = n
            valid[row] = true
        case .integer(let value):
            integers[row] = value ?? 0
            valid[row] = value != nil
        case .number(let value):
            numbers[row] = value ?? 0
            valid[row] = value != nil
        case .winner(let event): winners[row] = event
        }
    }

    /// The feature's column; `events` is the input column for min, max and last.
    func column(plan: WindowPlan, events: Column?) -> Column {
        let validity = Bitmap(UnsafeBufferPointer(start: valid, count: rows))
        switch plan.aggregation.operation {
        case .count: return Column(int64: Array(UnsafeBufferPointer(start: integers, count: rows)))
        case .min, .max, .last, .lastK: return events.unsafelyUnwrapped.gather(rowsOrNull: Array(UnsafeBufferPointer(start: winners, count: rows)))
        case .sum where plan.input?.ordersByNumber == false:
            return Column(int64: Array(UnsafeBufferPointer(start: integers, count: rows)), validity: validity)
        case .sum, .mean, .stddev:
            return Column(float64: Array(UnsafeBufferPointer(start: numbers, count: rows)), validity: validity)
        }
    }
}
