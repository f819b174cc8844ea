import Larder
import LarderColumnar
import LarderDemoData
import Testing

/// `trips`, gen_data.py's raw events for window aggregations: five per order, typed and nullable as
/// gen_data.py writes them, with its edge cases present (ties, exact boundaries, exact order times). The CSV
/// layout and read-back are in `RidesDataGeneratorTests`, with the other files.
@Suite("Rides demo trips")
struct RidesTripsTests {
    static let rides = RidesDataGenerator(scale: .xs, seed: 7)
    static let trips = rides.trips
    static let hour: Int64 = 3_600_000_000
    /// gen_data.py's edge-case block size, n / 200 rows.
    static let k = 50_000 / 200

    @Test func fivePerOrder() {
        #expect(RidesScale.xs.trips == 50_000 && RidesScale.m.trips == 5_000_000)
        #expect(Self.trips.rowCount == 5 * Self.rides.orders.rowCount)
        #expect(Self.trips.columns[0].int64Values.sorted() == Array(0..<50_000))
        // Shuffled: neither the ids nor the event times are in generation order.
        #expect(Self.trips.columns[0].int64Values != Array(0..<50_000))
        #expect(Self.trips.columns[3].timestampMicros != Self.trips.columns[3].timestampMicros.sorted())
    }

    @Test func typesAndNullability() {
        #expect(Self.trips.schema == RidesDataGenerator.tripsSchema)
        #expect(Self.trips.schema.fields.map { "\($0.name):\($0.type):\($0.nullable ? "null" : "required")" } == [
            "trip_id:int64:required", "driver_id:int64:required", "customer_id:int64:required",
            "event_timestamp:timestamp:required", "created:timestamp:required", "fare:float64:null",
            "distance_km:float32:required", "rating:int32:null", "payment:string:required",
        ])
        #expect(Self.trips.columns.map(\.type) == [.int64, .int64, .int64, .timestamp, .timestamp, .float64, .float32, .int32, .string])
        #expect(Self.trips.columns.enumerated().filter { $0.element.hasNulls }.map(\.offset) == [5, 7])
    }

    @Test func nullSharesAreGenDatas() {
        let n = Double(Self.trips.rowCount)
        // Within five standard deviations of 2 % (fare) and 5 % (rating).
        for (column, share) in [(5, 0.02), (7, 0.05)] {
            let nulls = Double(Self.trips.columns[column].nullCount)
            #expect(abs(nulls - n * share) < 5 * (n * share * (1 - share)).squareRoot(), "column \(column): \(nulls) nulls")
        }
        // Null slots hold zero, as every column's do.
        let fare = Self.trips.columns[5], rating = Self.trips.columns[7]
        #expect((0..<Self.trips.rowCount).allSatisfy { !fare.isNull($0) || fare.float64Values[$0] == 0 })
        #expect((0..<Self.trips.rowCount).allSatisfy { !rating.isNull($0) || rating.int32Values[$0] == 0 })
    }

    @Test func valuesFollowGenDatasDistributions() {
        let trips = Self.trips, n = trips.rowCount
        #expect(Set(trips.columns[1].int64Values).isSubset(of: Set(1000..<1100)))
        #expect(Set(trips.columns[2].int64Values).isSubset(of: Set(1...50)))
        // Event times over the orders' range [start - 2 h, start + 214 h).
        let low = RidesDataGenerator.defaultStart.microsecondsSinceEpoch - 2 * Self.hour
        let events = trips.columns[3].timestampMicros, created = trips.columns[4].timestampMicros
        #expect(events.allSatisfy { $0 >= low && $0 < low + 216 * Self.hour })
        // created 0-120 s after the event, or 1-6 h more for ~2 % of the rows.
        let lags = zip(events, created).map { $1 - $0 }
        #expect(lags.allSatisfy { ($0 >= 0 && $0 <= 120_000_000) || ($0 >= Self.hour && $0 <= 6 * Self.hour + 120_000_000) })
        let late = Double(lags.filter { $0 >= Self.hour }.count)
        #expect(abs(late - 0.02 * Double(n)) < 5 * (0.02 * 0.98 * Double(n)).squareRoot())
        // distance ~ gamma(2, 3): positive, mean 6, variance 18.
        let distances = trips.columns[6].float32Values.map(Double.init)
        #expect(distances.allSatisfy { $0 > 0 })
        let mean = distances.reduce(0, +) / Double(n)
        let variance = distances.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        #expect(abs(mean - 6) < 0.1 && abs(variance - 18) < 1)
        // fare = round(2.5 + 1.6 distance + gamma(2, 1.5), 2): in cents, above the fixed part, mean 2.5 + 9.6 + 3.
        let fare = trips.columns[5]
        let fares = (0..<n).filter { !fare.isNull($0) }.map { (row: $0, value: fare.float64Values[$0]) }
        #expect(fares.allSatisfy { abs(($0.value * 100).rounded() - $0.value * 100) < 1e-6 })
        #expect(fares.allSatisfy { $0.value >= 2.5 + 1.6 * distances[$0.row] - 0.006 })
        #expect(abs(fares.map(\.value).reduce(0, +) / Double(fares.count) - 15.1) < 0.2)
        // rating 1-5 with p = 0.03, 0.05, 0.12, 0.30, 0.50.
        let rating = trips.columns[7]
        let ratings = (0..<n).filter { !rating.isNull($0) }.map { rating.int32Values[$0] }
        for (value, p) in zip(Int32(1)...5, [0.03, 0.05, 0.12, 0.30, 0.50]) {
            let share = Double(ratings.filter { $0 == value }.count) / Double(ratings.count)
            #expect(abs(share - p) < 5 * (p * (1 - p) / Double(ratings.count)).squareRoot(), "rating \(value): \(share)")
        }
        // payment card / cash / wallet with p = 0.7, 0.2, 0.1.
        let payments = (0..<n).map { trips.columns[8].string(at: $0) ?? "" }
        for (method, p) in [("card", 0.7), ("cash", 0.2), ("wallet", 0.1)] {
            let share = Double(payments.filter { $0 == method }.count) / Double(n)
            #expect(abs(share - p) < 5 * (p * (1 - p) / Double(n)).squareRoot(), "\(method): \(share)")
        }
        #expect(Set(payments) == ["card", "cash", "wallet"])
    }

    @Test func edgeCasesArePresent() {
        let trips = Self.trips, k = Self.k
        let drivers = trips.columns[1].int64Values, customers = trips.columns[2].int64Values
        let events = trips.columns[3].timestampMicros, created = trips.columns[4].timestampMicros
        // Ties on (driver_id, event_timestamp): k rows copy another row's key, half of them also its created.
        var byKey: [[Int64]: Int] = [:], byKeyAndCreated: [[Int64]: Int] = [:]
        for row in 0..<trips.rowCount {
            byKey[[drivers[row], events[row]], default: 0] += 1
            byKeyAndCreated[[drivers[row], events[row], created[row]], default: 0] += 1
        }
        let tiedRows = byKey.values.filter { $0 > 1 }.reduce(0, +)
        let tiedOnCreatedRows = byKeyAndCreated.values.filter { $0 > 1 }.reduce(0, +)
        #expect(tiedRows >= 2 * k && tiedRows < 3 * k)
        #expect(tiedOnCreatedRows >= k && tiedOnCreatedRows < tiedRows)
        // Exact boundaries: k rows on a 5-minute boundary (1 in 12 of them also on an hour) and k more on an
        // hour boundary; a uniform microsecond time lands on one with probability 1 / 300,000,000.
        let onFiveMinutes = events.filter { $0 % 300_000_000 == 0 }.count
        let onHours = events.filter { $0 % Self.hour == 0 }.count
        #expect(onHours >= k && onHours < k + k / 6)
        #expect(onFiveMinutes >= 2 * k && onFiveMinutes < 2 * k + 10)
        // Trips at exactly an order's driver, customer and event time: k of them.
        let orders = Self.rides.orders
        let orderKeys = Set((0..<orders.rowCount).map {
            [orders.columns[1].int64Values[$0], orders.columns[2].int64Values[$0], orders.columns[3].timestampMicros[$0]]
        })
        let atOrders = (0..<trips.rowCount).filter { orderKeys.contains([drivers[$0], customers[$0], events[$0]]) }.count
        #expect(atOrders >= k && atOrders < k + 10)
    }

    @Test func deterministicForASeedAndApartFromTheOtherTables() {
        #expect(RidesDataGenerator(scale: .xs, seed: 7).trips == Self.trips)
        let other = RidesDataGenerator(scale: .xs, seed: 8).trips
        #expect(other != Self.trips)
        #expect(other.columns[3] != Self.trips.columns[3] && other.columns[5] != Self.trips.columns[5])
        // A start a whole day later moves every event by a day (boundaries stay boundaries) and draws the
        // same values.
        let later = RidesDataGenerator(scale: .xs, seed: 7, start: Timestamp(microsecondsSinceEpoch: RidesDataGenerator.defaultStart.microsecondsSinceEpoch + 24 * Self.hour)).trips
        #expect(later.columns[5] == Self.trips.columns[5] && later.columns[8] == Self.trips.columns[8])
    }
}
