import Larder
import LarderColumnar
import LarderMonitoring

/// A feature's column on both sides of a drift check as the samples the tests run on: numbers as `Double`s
/// (nulls as NaN, dropped by the tests), strings and booleans as categories — each side a seeded reservoir of at
/// most `capacity` values, exact when the side is smaller.
enum DriftSamples {
    static func samples(reference: Column, current: Column, capacity: Int, seed: UInt64) -> FeatureSamples? {
        switch reference.type {
        case .int32, .int64, .float32, .float64:
            return .numerical(reference: numbers(reference, capacity: capacity, seed: seed),
                              current: numbers(current, capacity: capacity, seed: seed &+ 1))
        case .string, .bool:
            return .categorical(reference: categories(reference, capacity: capacity, seed: seed),
                                current: categories(current, capacity: capacity, seed: seed &+ 1))
        case .timestamp, .bytes:
            return nil
        }
    }

    private static func numbers(_ column: Column, capacity: Int, seed: UInt64) -> [Double] {
        var reservoir = Reservoir<Double>(capacity: capacity, seed: seed)
        // Missing values (nulls, NaN) are dropped by the tests anyway: they take no place in the sample.
        for value in column.doubleValues(nullValue: .nan) where !value.isNaN { reservoir.add(value) }
        return reservoir.values
    }

    private static func categories(_ column: Column, capacity: Int, seed: UInt64) -> [String?] {
        // Nulls are missing values, which the tests drop: they take no place in the sample.
        var reservoir = Reservoir<String>(capacity: capacity, seed: seed)
        for row in 0..<column.count where !column.isNull(row) {
            reservoir.add(column.type == .string ? column.string(at: row)! : "\(column.value(at: row))")
        }
        return reservoir.values.map(Optional.some)
    }
}
