/// Where a feature view's rows come from: a CSV file, a Parquet file (or a glob of them) or a SQLite table.
///
/// Paths are relative to the data directory (`--data`, `LARDER_DATA`), unless absolute.
///
/// ```swift
/// public let driverStatsSource = Source.parquet("driver_stats", path: "driver_stats.parquet",
///                                               eventTimestamp: "event_timestamp", created: "created")
/// public let tripsSource = Source.sqlite("trips", database: "app.db", table: "trips")
/// ```
public struct Source: Sendable, Hashable {
    /// The storage a source reads.
    public enum Location: Sendable, Hashable {
        /// A CSV file with a header row.
        case csv(path: String)
        /// A Parquet file, or a glob such as `events/*.parquet`.
        case parquet(path: String)
        /// A table in a SQLite database file.
        case sqlite(database: String, table: String)
    }

    public let name: String
    public let location: Location
    /// The column holding each row's event time (when the feature value became true).
    public let eventTimestampColumn: String
    /// The column holding when the row was written; breaks ties between rows with the same event time.
    public let createdTimestampColumn: String?
    public let description: String

    public init(
        _ name: String, location: Location, eventTimestamp: String = "event_timestamp",
        created: String? = "created", description: String = ""
    ) {
        self.name = name
        self.location = location
        self.eventTimestampColumn = eventTimestamp
        self.createdTimestampColumn = created
        self.description = description
    }

    /// A CSV file source.
    public static func csv(
        _ name: String, path: String, eventTimestamp: String = "event_timestamp",
        created: String? = "created", description: String = ""
    ) -> Source {
        Source(name, location: .csv(path: path), eventTimestamp: eventTimestamp, created: created, description: description)
    }

    /// A Parquet file source (a glob like `events/*.parquet` reads every matching file).
    public static func parquet(
        _ name: String, path: String, eventTimestamp: String = "event_timestamp",
        created: String? = "created", description: String = ""
    ) -> Source {
        Source(name, location: .parquet(path: path), eventTimestamp: eventTimestamp, created: created, description: description)
    }

    /// A SQLite table source.
    public static func sqlite(
        _ name: String, database: String, table: String, eventTimestamp: String = "event_timestamp",
        created: String? = "created", description: String = ""
    ) -> Source {
        Source(name, location: .sqlite(database: database, table: table), eventTimestamp: eventTimestamp,
               created: created, description: description)
    }
}
