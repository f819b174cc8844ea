import Larder
public import LarderOnline

/// Writes a lookup result as Feast's column-major response:
/// `{"metadata": {"feature_names": [...]}, "results": [{"values", "statuses", "event_timestamps"}, ...]}`.
public enum OnlineFeaturesResponse {
    /// Feast reports this time for join keys and for rows not found.
    static let epoch: StaticString = "1970-01-01T00:00:00Z"

    public static func json(_ result: OnlineLookup.Result) -> [UInt8] {
        var json = JSONText(capacity: 128 + result.rowCount * result.columns.count * 48)
        json.raw("{\"metadata\":{\"feature_names\":")
        json.array(result.featureNames) { $0.string($1) }
        json.raw("},\"results\":")
        json.array(result.columns) { json, column in
            json.raw("{\"values\":")
            json.array(column.values) { $0.value($1) }
            json.raw(",\"statuses\":")
            json.array(column.statuses) { json, status in
                json.raw("\"")
                json.raw(status.rawValue)
                json.raw("\"")
            }
            json.raw(",\"event_timestamps\":")
            json.array(column.eventTimes) { json, time in
                json.raw("\"")
                if let time { time.appendISO8601(to: &json.bytes, fractionalDigits: 0) } else { json.raw(epoch) }
                json.raw("\"")
            }
            json.raw("}")
        }
        json.raw("}")
        return json.bytes
    }
}
