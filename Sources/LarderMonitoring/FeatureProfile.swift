/// What one materialization (or snapshot) wrote to one feature, in bounded memory whatever the row
/// count: counts of rows, nulls, NaNs and infinities; for numbers the exact min, max, mean and sample
/// standard deviation, a KLL `QuantileSketch` and a seeded `Reservoir` of values; for strings the
/// `TopValues`; for both a `HyperLogLog` distinct count. Profiles of parts of a stream merge into the
/// profile of the whole, so a job's profile can be built per batch, and the samples feed the drift tests
/// exactly (Evidently's tests on ≤ 10,000 seeded values per side) while the sketches summarise
/// unbounded history.
///
/// NaN and ±inf are counted apart and enter no statistic (the drift tests drop them too); nil is a null.
/// A profile is `Codable` in a compact, stable form (sketch contents packed as base64): encode it with
/// `JSONEncoder` and `.sortedKeys` to store it as text, and the same profile is always the same text.
///
/// ```swift
/// var profile = FeatureProfile(kind: .numeric)
/// for row in batch { profile.add(row.convRate) }      // Double?
/// profile.merge(profileOfTheNextBatch)
/// let s = profile.summary                             // count, nulls, min … p50 … p99, distinct
/// let text = try JSONEncoder().encode(profile)        // to store beside the job
/// ```
package struct FeatureProfile: Sendable, Equatable {
    package enum Kind: String, Sendable, Codable, Equatable {
        case numeric, string
    }

    /// The sketches' sizes and seed; the defaults keep a profile under about 120k retained elements.
    package struct Configuration: Sendable, Equatable {
        package var quantileK = QuantileSketch.defaultK
        package var distinctPrecision = HyperLogLog.defaultPrecision
        package var topValuesCapacity = TopValues.defaultCapacity
        package var sampleCapacity = 10_000
        package var seed: UInt64 = 0

        package init(
            quantileK: Int = QuantileSketch.defaultK, distinctPrecision: Int = HyperLogLog.defaultPrecision,
            topValuesCapacity: Int = TopValues.defaultCapacity, sampleCapacity: Int = 10_000, seed: UInt64 = 0
        ) {
            self.quantileK = quantileK
            self.distinctPrecision = distinctPrecision
            self.topValuesCapacity = topValuesCapacity
            self.sampleCapacity = sampleCapacity
            self.seed = seed
        }
    }

    package let kind: Kind
    /// Rows seen: values, nulls, NaNs and infinities.
    package private(set) var count = 0
    package private(set) var nullCount = 0
    package private(set) var nanCount = 0
    package private(set) var infinityCount = 0
    /// Finite numbers only (empty for strings).
    package private(set) var moments = RunningMoments()
    /// Numbers only.
    package private(set) var quantiles: QuantileSketch?
    package private(set) var distinct: HyperLogLog
    /// Strings only.
    package private(set) var topValues: TopValues?
    /// Numbers only: finite values.
    package private(set) var numericSample: Reservoir<Double>?
    /// Strings only.
    package private(set) var stringSample: Reservoir<String>?

    package init(kind: Kind, configuration: Configuration = Configuration()) {
        self.kind = kind
        distinct = HyperLogLog(precision: configuration.distinctPrecision)
        // Each sketch gets its own stream of random choices from the one seed.
        let seed = configuration.seed
        switch kind {
        case .numeric:
            quantiles = QuantileSketch(k: configuration.quantileK, seed: ValueHash.finalize(seed ^ 0x5155_414E_5449_4C45))
            numericSample = Reservoir(capacity: configuration.sampleCapacity, seed: ValueHash.finalize(seed ^ 0x5341_4D50_4C45_5321))
        case .string:
            topValues = TopValues(capacity: configuration.topValuesCapacity)
            stringSample = Reservoir(capacity: configuration.sampleCapacity, seed: ValueHash.finalize(seed ^ 0x5341_4D50_4C45_5321))
        }
    }

    /// Rows with a usable value: not null, and for numbers finite.
    package var valueCount: Int { count - nullCount - nanCount - infinityCount }

    /// Adds one row of a numeric feature (nil is a null).
    package mutating func add(_ value: Double?) {
        precondition(kind == .numeric, "add(Double?) on a string profile")
        count += 1
        guard let value else {
            nullCount += 1
            return
        }
        if value.isNaN {
            nanCount += 1
        } else if value.isInfinite {
            infinityCount += 1
        } else {
            moments.add(value)
            quantiles!.add(value)
            distinct.add(value)
            numericSample!.add(value)
        }
    }

    /// Adds one row of a string feature (nil is a null).
    package mutating func add(_ value: String?) {
        precondition(kind == .string, "add(String?) on a numeric profile")
        count += 1
        guard let value else {
            nullCount += 1
            return
        }
        distinct.add(value)
        topValues!.add(value)
        stringSample!.add(value)
    }

    /// Folds in the profile of more rows of the same feature, built with the same configuration sizes.
    package mutating func merge(_ other: FeatureProfile) {
        precondition(other.kind == kind, "merging a \(other.kind) profile into a \(kind) one")
        count += other.count
        nullCount += other.nullCount
        nanCount += other.nanCount
        infinityCount += other.infinityCount
        moments.merge(other.moments)
        distinct.merge(other.distinct)
        if let q = other.quantiles { quantiles!.merge(q) }
        if let t = other.topValues { topValues!.merge(t) }
        if let s = other.numericSample { numericSample!.merge(s) }
        if let s = other.stringSample { stringSample!.merge(s) }
    }

    /// Elements held in memory — sketch items, registers, counters, sampled values — bounded by the
    /// configuration whatever the row count.
    package var retainedElementCount: Int {
        (quantiles?.retainedCount ?? 0) + distinct.registers.count + (topValues?.counters.count ?? 0)
            + (numericSample?.values.count ?? 0) + (stringSample?.values.count ?? 0)
    }
}

extension FeatureProfile: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, count, nullCount = "nulls", nanCount = "nans", infinityCount = "infinities", moments, quantiles, distinct
        case topValues = "top", numericSample = "sample", stringSample = "stringSample"
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(count, forKey: .count)
        try c.encode(nullCount, forKey: .nullCount)
        try c.encode(nanCount, forKey: .nanCount)
        try c.encode(infinityCount, forKey: .infinityCount)
        try c.encode(distinct, forKey: .distinct)
        if kind == .numeric { try c.encode(moments, forKey: .moments) }
        try c.encodeIfPresent(quantiles, forKey: .quantiles)
        try c.encodeIfPresent(topValues, forKey: .topValues)
        try c.encodeIfPresent(numericSample, forKey: .numericSample)
        try c.encodeIfPresent(stringSample, forKey: .stringSample)
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        count = try c.decode(Int.self, forKey: .count)
        nullCount = try c.decode(Int.self, forKey: .nullCount)
        nanCount = try c.decode(Int.self, forKey: .nanCount)
        infinityCount = try c.decode(Int.self, forKey: .infinityCount)
        distinct = try c.decode(HyperLogLog.self, forKey: .distinct)
        switch kind {
        case .numeric:
            moments = try c.decode(RunningMoments.self, forKey: .moments)
            quantiles = try c.decode(QuantileSketch.self, forKey: .quantiles)
            numericSample = try c.decode(Reservoir<Double>.self, forKey: .numericSample)
        case .string:
            topValues = try c.decode(TopValues.self, forKey: .topValues)
            stringSample = try c.decode(Reservoir<String>.self, forKey: .stringSample)
        }
        let values = count - nullCount - nanCount - infinityCount
        let consistent =
            switch kind {
            case .numeric: values >= 0 && moments.count == values && quantiles!.count == values && numericSample!.count == values
            case .string: values >= 0 && topValues!.count == values && stringSample!.count == values
            }
        guard consistent else {
            throw DecodingError.dataCorruptedError(forKey: .count, in: c, debugDescription: "a profile's counts disagree")
        }
    }
}
