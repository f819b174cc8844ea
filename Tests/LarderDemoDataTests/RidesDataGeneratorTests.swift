import Larder
import LarderColumnar
import LarderCSV
import LarderDemoData
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Rides demo data")
struct RidesDataGeneratorTests {
    static let xs = RidesDataGenerator(scale: .xs, seed: 7)

    @Test func scalesMatchGenData() {
        // gen_data.py's SCALES: (drivers, hours, customers, orders).
        let expected: [RidesScale: (Int, Int, Int, Int)] = [
            .xs: (100, 168, 50, 10_000), .s: (1_000, 720, 500, 100_000),
            .m: (10_000, 720, 5_000, 1_000_000), .l: (50_000, 720, 20_000, 5_000_000),
        ]
        for (scale, (drivers, hours, customers, orders)) in expected {
            #expect(scale.drivers == drivers && scale.hours == hours && scale.customers == customers && scale.orders == orders)
        }
        #expect(RidesScale.m.hourlyDriverRows == 7_200_000)
        #expect(RidesScale.m.customerRows == 150_000)
        #expect(RidesScale(name: "xs") == .xs)
    }

    @Test(arguments: [RidesScale.xs, .s])
    func rowCountsPerScale(_ scale: RidesScale) {
        let rides = scale == .xs ? Self.xs : RidesDataGenerator(scale: scale, seed: 7)
        let hourly = scale.hourlyDriverRows
        let corrections = rides.driverStats.rowCount - hourly
        // 1 % of the hourly rows, within five standard deviations.
        let sigma = (Double(hourly) * 0.01 * 0.99).squareRoot()
        #expect(abs(Double(corrections) - Double(hourly) * 0.01) < 5 * sigma)
        #expect(rides.customerStats.rowCount == scale.customerRows)
        #expect(rides.orders.rowCount == scale.orders)
    }

    @Test func schemasAreGenDatas() {
        #expect(Self.xs.driverStats.schema.fields.map { "\($0.name):\($0.type)" } == [
            "driver_id:int64", "event_timestamp:timestamp", "created:timestamp", "conv_rate:float32",
            "acc_rate:float32", "avg_daily_trips:int32",
        ])
        #expect(Self.xs.customerStats.schema.fields.map { "\($0.name):\($0.type)" } == [
            "customer_id:int64", "event_timestamp:timestamp", "created:timestamp", "current_balance:float32",
            "avg_passenger_count:float32", "lifetime_trip_count:int32",
        ])
        #expect(Self.xs.orders.schema.fields.map { "\($0.name):\($0.type)" } == [
            "order_id:int64", "driver_id:int64", "customer_id:int64", "event_timestamp:timestamp", "trip_completed:int32",
        ])
    }

    @Test func deterministicForASeed() {
        let again = RidesDataGenerator(scale: .xs, seed: 7)
        #expect(again.driverStats == Self.xs.driverStats)
        #expect(again.customerStats == Self.xs.customerStats)
        #expect(again.orders == Self.xs.orders)
        let other = RidesDataGenerator(scale: .xs, seed: 8)
        #expect(other.driverStats != Self.xs.driverStats)
        #expect(other.orders != Self.xs.orders)
    }

    @Test func everyOrderKeyExistsAndTimesSpanTheData() throws {
        let drivers = Set(Self.xs.driverStats.columns[0].int64Values)
        let customers = Set(Self.xs.customerStats.columns[0].int64Values)
        #expect(drivers == Set(1000..<1100))
        #expect(customers == Set(1...50))
        let orders = Self.xs.orders
        #expect(orders.columns[0].int64Values == Array(0..<10_000))
        #expect(orders.columns[1].int64Values.allSatisfy(drivers.contains))
        #expect(orders.columns[2].int64Values.allSatisfy(customers.contains))
        let start = RidesDataGenerator.defaultStart.microsecondsSinceEpoch
        let hour: Int64 = 3_600_000_000
        let times = orders.columns[3].timestampMicros
        #expect(times.allSatisfy { $0 >= start - 2 * hour && $0 < start + (168 + 46) * hour })
        #expect(times.contains { $0 < start })
        let labels = orders.columns[4].int32Values
        #expect(labels.allSatisfy { $0 == 0 || $0 == 1 })
        // P(label) = 0.2 + 0.6 × uniform base: 0.5 on average.
        let rate = Double(labels.reduce(0) { $0 + Int($1) }) / Double(labels.count)
        #expect(abs(rate - 0.5) < 0.05)
    }

    @Test func hourlyRowsAndLateCorrections() throws {
        let batch = Self.xs.driverStats
        let ids = batch.columns[0].int64Values, events = batch.columns[1].timestampMicros
        let created = batch.columns[2].timestampMicros, conv = batch.columns[3].float32Values
        let acc = batch.columns[4].float32Values, trips = batch.columns[5].int32Values
        let start = RidesDataGenerator.defaultStart.microsecondsSinceEpoch
        let hour: Int64 = 3_600_000_000
        var byKey: [[Int64]: [Int]] = [:]
        for row in 0..<batch.rowCount { byKey[[ids[row], events[row]], default: []].append(row) }
        var hourly = Set<[Int64]>()
        var corrections = 0
        for (key, rows) in byKey {
            #expect(rows.count <= 2)
            hourly.insert([key[0], (key[1] - start) / hour])
            if rows.count == 2 {
                corrections += 1
                let (first, late) = created[rows[0]] < created[rows[1]] ? (rows[0], rows[1]) : (rows[1], rows[0])
                #expect(created[late] == created[first] + hour)
                #expect(acc[late] == acc[first] && trips[late] == trips[first])
            }
        }
        #expect(corrections == batch.rowCount - RidesScale.xs.hourlyDriverRows)
        // One row per driver per hour, each jittered inside its hour, created 0-10 minutes after the event
        // (corrections one hour more).
        #expect(hourly.count == RidesScale.xs.hourlyDriverRows)
        for row in 0..<batch.rowCount {
            let lag = created[row] - events[row]
            #expect((lag >= 0 && lag < 600_000_000) || (lag >= hour && lag < hour + 600_000_000))
            #expect(conv[row] >= 0 && conv[row] <= 1 && acc[row] >= 0 && acc[row] < 1)
            #expect(trips[row] >= 0 && trips[row] < 1000)
        }
        // Shuffled: the ids are not in generation order.
        #expect(ids != ids.sorted())
    }

    @Test func customerRowsAreDailyAndShuffled() {
        let batch = Self.xs.customerStats
        let start = RidesDataGenerator.defaultStart.microsecondsSinceEpoch
        let day: Int64 = 86_400_000_000
        let events = batch.columns[1].timestampMicros, created = batch.columns[2].timestampMicros
        #expect(zip(events, created).allSatisfy { $1 - $0 == 60_000_000 && ($0 - start) % day == 0 })
        #expect(Set(zip(batch.columns[0].int64Values, events).map { [$0, $1] }).count == 350)
        #expect(batch.columns[3].float32Values.allSatisfy { $0 >= 0 && $0 < 1000 })
        #expect(batch.columns[4].float32Values.allSatisfy { $0 >= 0 && $0 < 4 })
        #expect(batch.columns[5].int32Values.allSatisfy { $0 >= 0 && $0 < 5000 })
        #expect(batch.columns[0].int64Values != batch.columns[0].int64Values.sorted())
    }

    @Test func csvFilesHaveGenDatasLayoutAndReadBack() throws {
        let root = "/tmp/larder-demo-tests-\(UInt64.random(in: 0...UInt64.max))"
        defer { removeTree(root) }
        let dir = root + "/xs"
        let paths = try Self.xs.write(to: dir, format: .csv)
        #expect(paths == ["driver_stats", "customer_stats", "orders", "trips"].map { "\(dir)/\($0).csv" })
        let headers = [
            "\"driver_id\",\"event_timestamp\",\"created\",\"conv_rate\",\"acc_rate\",\"avg_daily_trips\"",
            "\"customer_id\",\"event_timestamp\",\"created\",\"current_balance\",\"avg_passenger_count\",\"lifetime_trip_count\"",
            "\"order_id\",\"driver_id\",\"customer_id\",\"event_timestamp\",\"trip_completed\"",
            "\"trip_id\",\"driver_id\",\"customer_id\",\"event_timestamp\",\"created\",\"fare\",\"distance_km\",\"rating\",\"payment\"",
        ]
        let batches = [Self.xs.driverStats, Self.xs.customerStats, Self.xs.orders, Self.xs.trips]
        for (path, (header, batch)) in zip(paths, zip(headers, batches)) {
            let lines = try firstLines(path, 2)
            #expect(lines[0] == header)
            #expect(lines[1].contains(",\"2026-01-"))
            #expect(lines[1].contains(".") && lines[1].contains("Z\""))
            #expect(try CSVReader.header(of: path) == batch.schema.names)
            #expect(try CSVReader(schema: batch.schema).read(path: path) == batch)
        }
        do {
            try Self.xs.write(to: dir, format: .parquet)
            Issue.record("parquet without a writer succeeded")
        } catch {
            #expect(error.reason.contains("no writer"))
        }
    }

    @Test func pluggableWriterReceivesEveryBatch() throws {
        final class Recorder: BatchFileWriter, @unchecked Sendable {
            var written: [String: Int] = [:]
            func write(_ batch: ColumnBatch, to path: String) throws { written[path] = batch.rowCount }
        }
        let recorder = Recorder()
        let dir = "/tmp/larder-demo-tests-\(UInt64.random(in: 0...UInt64.max))"
        defer { removeTree(dir) }
        try Self.xs.write(to: dir, format: .parquet, writer: recorder)
        #expect(recorder.written == [
            "\(dir)/driver_stats.parquet": Self.xs.driverStats.rowCount,
            "\(dir)/customer_stats.parquet": 350, "\(dir)/orders.parquet": 10_000, "\(dir)/trips.parquet": 50_000,
        ])
    }

    /// Deletes the test's output directory (files one level deep, as the tests write them).
    private func removeTree(_ path: String) {
        guard let dir = opendir(path) else { return }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names where unlink(path + "/" + name) != 0 { removeTree(path + "/" + name) }
        rmdir(path)
    }

    private func firstLines(_ path: String, _ count: Int) throws -> [String] {
        let file = try #require(fopen(path, "r"))
        defer { fclose(file) }
        var lines: [String] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while lines.count < count, fgets(&buffer, Int32(buffer.count), file) != nil {
            lines.append(String(decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return lines
    }
}
