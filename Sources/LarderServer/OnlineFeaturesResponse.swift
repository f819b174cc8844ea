import Larder
public import LarderOnline

/// Writes a lookup result as Feast's column-major response:
/// `{"metadata": {"feature_names": [...]}, "results": [{"values", "statuses", "event_timestamps"}, ...]}`.
public enum OnlineFeaturesResponse {
    /// Feast reports this time for join keys and for rows not found.
    static let epoch: StaticString = "1970-01-01T00:00:00Z"

    public static func json(_ result: OnlineLookup.Result) -> [UInt8] {
        // Sized for the whole answer (a value, a status and a time per row and column), so it is not regrown.
        let names = result.featureNames.reduce(0) { $0 + $1.utf8.count + 3 }
        var json = JSONText(capacity: 64 + names + result.columnCount * (64 + result.rowCount * 56))
        json.raw("{\"metadata\":{\"feature_names\":")
        json.array(result.featureNames) { $0.string($1) }
        json.raw("},\"results\":")
        let rows = 0..<result.rowCount
        json.array(0..<result.columnCount) { json, column in
            json.raw("{\"values\":")
            json.array(rows) { $0.value(result.value(column: column, row: $1)) }
            json.raw(",\"statuses\":")
            json.array(rows) { json, row in json.raw(quoted(result.status(column: column, row: row))) }
            json.raw(",\"event_timestamps\":")
            json.array(rows) { json, row in
                json.raw("\"")
                if let time = result.eventTime(column: column, row: row) {
                    time.appendISO8601(to: &json.bytes, fractionalDigits: 0)
                } else {
                    json.raw(epoch)
                }
                json.raw("\"")
            }
            json.raw("}")
        }
        json.raw("}")
        return json.bytes
    }

    /// A status as a JSON string, from constants: one is written per value.
    static func quoted(_ status: OnlineFeatureStatus) -> StaticString {
        switch status {
        case .present: "\"PRESENT\""
        case .notFound: "\"NOT_FOUND\""
        case .nullValue: "\"NULL_VALUE\""
        case .outsideMaxAge: "\"OUTSIDE_MAX_AGE\""
        }
    }
}
