/// A partial aggregate of one ``Aggregation`` over some of its events — a tile — that merges with any other
/// partial of the same aggregation into the partial of both event sets, in any split and any order. Tiles
/// pre-aggregate a key's events per hop, so a window is a merge of a bounded number of them.
///
/// `stddev` keeps (n, mean, M2) and merges them with Chan et al.'s formula, so no sum of squares cancels;
/// `last` and `last(k)` keep the latest events by (event time, created, value), a full tie going to the
/// greater value (``Value/precedesForAggregation(_:)``), so the result never depends on the order events
/// arrive in.
///
/// ```swift
/// var morning = AggregateState(.stddev), evening = AggregateState(.stddev)
/// morning.add(.float64(2), time: 1, created: 1)
/// evening.add(.float64(4), time: 9, created: 9)
/// morning.merge(evening)
/// morning.result   // .float64(1.414…)
/// ```
public struct AggregateState: Sendable, Hashable {
    public let operation: Aggregation.Operation
    /// Events counted (`count`) or present values added (every other operation).
    public private(set) var count: Int64 = 0
    /// Sum of float values (`sum`, `mean`).
    public private(set) var sum: Double = 0
    /// Sum of integer values (`sum` of an integer column), wrapping on overflow.
    public private(set) var integerSum: Int64 = 0
    /// Whether the values summed are integers.
    public private(set) var integral = false
    /// Running mean and sum of squared deviations (`stddev`).
    public private(set) var mean: Double = 0
    public private(set) var m2: Double = 0
    /// The extreme value (`min`, `max`).
    public private(set) var extreme: Value = .null
    /// The latest events, latest first, at most k (`last`: k = 1).
    public private(set) var latest: [Stamped] = []

    /// A value with the instants that order it among events.
    public struct Stamped: Sendable, Hashable {
        public let time: Int64
        public let created: Int64
        public let value: Value

        public init(time: Int64, created: Int64, value: Value) {
            self.time = time
            self.created = created
            self.value = value
        }

        /// Whether `self` is later than `other` by (time, created, value).
        func isLater(than other: Stamped) -> Bool {
            if time != other.time { return time > other.time }
            if created != other.created { return created > other.created }
            return other.value.precedesForAggregation(value)
        }
    }

    public init(_ operation: Aggregation.Operation) {
        self.operation = operation
    }

    /// A state from its parts, as a codec stored them (the caller vouches they came from a state).
    package init(operation: Aggregation.Operation, count: Int64, sum: Double, integerSum: Int64, integral: Bool, mean: Double,
                 m2: Double, extreme: Value, latest: [Stamped]) {
        self.operation = operation
        self.count = count
        self.sum = sum
        self.integerSum = integerSum
        self.integral = integral
        self.mean = mean
        self.m2 = m2
        self.extreme = extreme
        self.latest = latest
    }

    /// Adds one event: its value of the aggregated column (ignored by `count`, which counts events), at
    /// `time`, created at `created` (`Int64.min` for none). A null value is ignored.
    public mutating func add(_ value: Value, time: Int64, created: Int64) {
        if operation == .count {
            count += 1
            return
        }
        guard !value.isNull else { return }
        count += 1
        switch operation {
        case .count: break
        case .sum, .mean:
            switch value {
            case .int32(let v): integerSum &+= Int64(v); integral = true
            case .int64(let v): integerSum &+= v; integral = true
            default: sum += value.doubleValue ?? 0
            }
        case .stddev:
            let x = value.doubleValue ?? 0
            let delta = x - mean
            mean += delta / Double(count)
            m2 += delta * (x - mean)
        case .min: if extreme.isNull || value.precedesForAggregation(extreme) { extreme = value }
        case .max: if extreme.isNull || extreme.precedesForAggregation(value) { extreme = value }
        case .last: keepLatest([Stamped(time: time, created: created, value: value)], limit: 1)
        case .lastK(let k): keepLatest([Stamped(time: time, created: created, value: value)], limit: k)
        }
    }

    /// Merges the partial of other events of the same aggregation.
    public mutating func merge(_ other: AggregateState) {
        precondition(other.operation == operation, "merging a \(other.operation) state into a \(operation) one")
        mergeParts(count: other.count, sum: other.sum, integerSum: other.integerSum, integral: other.integral, mean: other.mean,
                   m2: other.m2, extreme: other.extreme, latest: other.latest)
    }

    /// Merges a partial of the same aggregation given by its parts — a stored tile's, read straight from its bytes
    /// without building a state for it (online lookups merge dozens of tiles per entity row).
    package mutating func mergeParts(count otherCount: Int64, sum otherSum: Double, integerSum otherIntegerSum: Int64, integral otherIntegral: Bool,
                                     mean otherMean: Double, m2 otherM2: Double, extreme otherExtreme: Value, latest otherLatest: [Stamped]) {
        guard otherCount > 0 else { return }
        guard count > 0 else {
            count = otherCount
            sum = otherSum
            integerSum = otherIntegerSum
            integral = otherIntegral
            mean = otherMean
            m2 = otherM2
            extreme = otherExtreme
            latest = otherLatest
            return
        }
        defer { count += otherCount }
        switch operation {
        case .count: break
        case .sum, .mean:
            sum += otherSum
            integerSum &+= otherIntegerSum
            integral = integral || otherIntegral
        case .stddev:
            let n = Double(count + otherCount), delta = otherMean - mean
            mean += delta * Double(otherCount) / n
            m2 += otherM2 + delta * delta * Double(count) * Double(otherCount) / n
        case .min: if otherExtreme.precedesForAggregation(extreme) { extreme = otherExtreme }
        case .max: if extreme.precedesForAggregation(otherExtreme) { extreme = otherExtreme }
        case .last: keepLatest(otherLatest, limit: 1)
        case .lastK(let k): keepLatest(otherLatest, limit: k)
        }
    }

    private mutating func keepLatest(_ more: [Stamped], limit: Int) {
        var all = latest + more
        all.sort { $0.isLater(than: $1) }
        latest = Array(all.prefix(limit))
    }

    /// The aggregate: `count` 0 and null otherwise when empty, `stddev` null under two values; for
    /// `last(k)` see ``list``.
    public var result: Value {
        switch operation {
        case .count: return .int64(count)
        case _ where count == 0: return .null
        case .sum: return integral ? .int64(integerSum) : .float64(sum)
        case .mean: return .float64(integral ? Double(integerSum) / Double(count) : sum / Double(count))
        case .stddev: return count < 2 ? .null : .float64((m2 / Double(count - 1)).squareRoot())
        case .min, .max: return extreme
        case .last: return latest.first?.value ?? .null
        case .lastK: return .null
        }
    }

    /// The values of `last(k)`, latest first (empty when no event had one).
    public var list: [Value] {
        guard case .lastK = operation else { return [] }
        return latest.map(\.value)
    }
}

extension Value {
    /// The order aggregations use: numbers by value (integers exactly), strings and bytes by their bytes,
    /// timestamps by instant, false before true. Values of different kinds order by kind.
    public func precedesForAggregation(_ other: Value) -> Bool {
        switch (self, other) {
        case (.int32(let a), .int32(let b)): return a < b
        case (.int64(let a), .int64(let b)): return a < b
        case (.float32(let a), .float32(let b)): return a < b
        case (.float64(let a), .float64(let b)): return a < b
        case (.bool(let a), .bool(let b)): return !a && b
        case (.timestamp(let a), .timestamp(let b)): return a.microsecondsSinceEpoch < b.microsecondsSinceEpoch
        case (.string(let a), .string(let b)): return a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.bytes(let a), .bytes(let b)): return a.lexicographicallyPrecedes(b)
        default: return kindRank < other.kindRank
        }
    }

    private var kindRank: Int {
        switch self {
        case .null: 0
        case .bool: 1
        case .int32: 2
        case .int64: 3
        case .float32: 4
        case .float64: 5
        case .timestamp: 6
        case .string: 7
        case .bytes: 8
        }
    }
}
