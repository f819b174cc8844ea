/// The sizes of the rides data set, the same as gen_data.py's `SCALES`.
///
/// ```swift
/// RidesScale.s.drivers            // 1_000
/// RidesScale(name: "M")?.orders   // 1_000_000
/// ```
public enum RidesScale: String, Sendable, Hashable, CaseIterable {
    case xs = "XS"
    case s = "S"
    case m = "M"
    case l = "L"

    /// Reads `XS`, `S`, `M` or `L` (any letter case).
    public init?(name: String) {
        self.init(rawValue: name.uppercased())
    }

    /// Driver ids `1000..<1000 + drivers`, one row per driver per hour.
    public var drivers: Int {
        switch self {
        case .xs: 100
        case .s: 1_000
        case .m: 10_000
        case .l: 50_000
        }
    }

    /// Hours of driver data (customer data covers `hours / 24` days).
    public var hours: Int { self == .xs ? 168 : 720 }

    /// Customer ids `1...customers`, one row per customer per day.
    public var customers: Int {
        switch self {
        case .xs: 50
        case .s: 500
        case .m: 5_000
        case .l: 20_000
        }
    }

    /// Entity rows of the training set.
    public var orders: Int {
        switch self {
        case .xs: 10_000
        case .s: 100_000
        case .m: 1_000_000
        case .l: 5_000_000
        }
    }

    /// Raw trip events, five per order.
    public var trips: Int { 5 * orders }

    /// Hourly driver rows before the late corrections are added.
    public var hourlyDriverRows: Int { drivers * hours }
    /// Daily customer rows.
    public var customerRows: Int { customers * (hours / 24) }
}
