#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A HyperLogLog distinct counter (Flajolet, Fusy, Gandouet & Meunier, 2007) over the 64-bit
/// `ValueHash` of each value: 2^p one-byte registers, each keeping the longest run of leading zeros (+1)
/// seen among the hashes whose top p bits pick it.
///
/// **Error.** The relative standard error of the estimate is 1.04/√(2^p): 0.81 % for the default p = 14
/// (16 KiB of registers). The estimate is Ertl's improved estimator, whose σ term over the empty
/// registers is the small-range correction — it behaves as linear counting, 2^p·ln(2^p / empty
/// registers), while few registers are set — and whose τ term replaces the large-range correction. The
/// paper's classic switch (raw estimate above 2.5·2^p, linear counting below) was measured here at
/// 2.7 % off (3.3 standard errors) around n = 40,000 for p = 14, where the raw estimate is biased; this
/// estimator has no such bump. The tests hold the estimate within 3 standard errors of the truth for
/// seeded sets of 10 to 1 M distinct values, including 20,000 and 40,000.
///
/// Adding a value again changes nothing, and merging takes the register-wise maximum, so the merge of
/// two sketches is exactly the sketch of the union of their streams.
///
/// ```swift
/// var users = HyperLogLog()
/// for id in ["ann", "bob", "ann"] { users.add(id) }
/// users.estimate                        // ≈ 2
/// users.merge(otherDaysUsers)           // the union's distinct count
/// ```
package struct HyperLogLog: Sendable, Equatable {
    package static let defaultPrecision = 14

    package let precision: Int
    package private(set) var registers: [UInt8]

    package init(precision: Int = HyperLogLog.defaultPrecision) {
        precondition((4...18).contains(precision), "HyperLogLog precision must be in 4...18")
        self.precision = precision
        registers = [UInt8](repeating: 0, count: 1 << precision)
    }

    /// 1.04/√m, the estimate's relative standard error.
    package var standardError: Double { 1.04 / Double(registers.count).squareRoot() }

    package mutating func add(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - precision))
        let rest = hash << UInt64(precision)
        let rho = UInt8(Swift.min(rest.leadingZeroBitCount, 64 - precision) + 1)
        if rho > registers[index] { registers[index] = rho }
    }

    package mutating func add(_ value: Double) {
        add(hash: ValueHash.hash(value))
    }

    package mutating func add(_ value: String) {
        add(hash: ValueHash.hash(value))
    }

    /// Register-wise maximum: the sketch of both streams together. Both must have the same precision.
    package mutating func merge(_ other: HyperLogLog) {
        precondition(other.precision == precision, "merging HyperLogLogs of different precision (\(precision), \(other.precision))")
        for i in registers.indices where other.registers[i] > registers[i] { registers[i] = other.registers[i] }
    }

    /// The estimated number of distinct values added: Ertl's improved estimator ("New cardinality
    /// estimation algorithms for HyperLogLog sketches", 2017, as Redis uses it), computed from the
    /// histogram of register values so it is exact and independent of register order.
    package var estimate: Double {
        let m = Double(registers.count)
        let q = 64 - precision
        var histogram = [Int](repeating: 0, count: q + 2)
        for r in registers { histogram[Int(r)] += 1 }
        var z = m * Self.tau(1 - Double(histogram[q + 1]) / m)
        for value in stride(from: q, through: 1, by: -1) {
            z += Double(histogram[value])
            z *= 0.5
        }
        z += m * Self.sigma(Double(histogram[0]) / m)
        return m * m / (2 * log(2.0)) / z
    }

    /// σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1): the empty registers' term, the small-range correction.
    static func sigma(_ x: Double) -> Double {
        if x == 1 { return .infinity }
        var x = x
        var y = 1.0
        var z = x
        while true {
            x *= x
            let previous = z
            z += x * y
            y += y
            if z == previous { return z }
        }
    }

    /// τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))²·2^−k) / 3: the saturated registers' term.
    static func tau(_ x: Double) -> Double {
        if x == 0 || x == 1 { return 0 }
        var x = x
        var y = 1.0
        var z = 1 - x
        while true {
            x = x.squareRoot()
            let previous = z
            y *= 0.5
            z -= (1 - x) * (1 - x) * y
            if z == previous { return z / 3 }
        }
    }
}

extension HyperLogLog: Codable {
    private enum CodingKeys: String, CodingKey {
        case precision = "p", dense, sparse
    }

    /// Few set registers are stored sparse — base64 of (index as 3 little-endian bytes, value) quadruples —
    /// and many dense, base64 of all the registers: at most about 22 KB of text for p = 14.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(precision, forKey: .precision)
        let set = registers.indices.filter { registers[$0] != 0 }
        if set.count * 4 < registers.count {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(set.count * 4)
            for i in set { bytes += [UInt8(i & 0xFF), UInt8(i >> 8 & 0xFF), UInt8(i >> 16), registers[i]] }
            try c.encode(PackedValues.encode(bytes: bytes), forKey: .sparse)
        } else {
            try c.encode(PackedValues.encode(bytes: registers), forKey: .dense)
        }
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let p = try c.decode(Int.self, forKey: .precision)
        guard (4...18).contains(p) else {
            throw DecodingError.dataCorruptedError(forKey: .precision, in: c, debugDescription: "precision must be in 4...18")
        }
        self.init(precision: p)
        let limit = UInt8(64 - p + 1)
        if c.contains(.dense) {
            guard let bytes = PackedValues.decodeBytes(try c.decode(String.self, forKey: .dense)), bytes.count == registers.count,
                bytes.allSatisfy({ $0 <= limit })
            else { throw DecodingError.dataCorruptedError(forKey: .dense, in: c, debugDescription: "bad dense registers") }
            registers = bytes
        } else {
            guard let bytes = PackedValues.decodeBytes(try c.decode(String.self, forKey: .sparse)), bytes.count % 4 == 0 else {
                throw DecodingError.dataCorruptedError(forKey: .sparse, in: c, debugDescription: "bad sparse registers")
            }
            for start in stride(from: 0, to: bytes.count, by: 4) {
                let index = Int(bytes[start]) | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2]) << 16
                guard index < registers.count, bytes[start + 3] <= limit else {
                    throw DecodingError.dataCorruptedError(forKey: .sparse, in: c, debugDescription: "bad sparse register")
                }
                registers[index] = bytes[start + 3]
            }
        }
    }
}
