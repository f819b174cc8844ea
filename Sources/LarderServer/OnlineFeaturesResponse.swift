import Larder
public import LarderOnline

/// Writes a lookup result as Feast's column-major response:
/// `{"metadata": {"feature_names": [...]}, "results": [{"values", "statuses", "event_timestamps"}, ...]}`.
public enum OnlineFeaturesResponse {
    /// Feast reports this time for join keys and for rows not found.
    static let epoch: StaticString = "1970-01-01T00:00:00Z"

    public static func json(_ result: OnlineLookup.Result) -> [UInt8] {
        var json = JSONText(capacity: 128 + result.rowCount * result.columns.count * 48)
        json.raw("{\"metadata\":{\"feature_names\":[")
        for (i, name) in result.featureNames.enumerated() {
            if i > 0 { json.raw(",") }
            json.string(name)
        }
        json.raw("]},\"results\":[")
        for (c, column) in result.columns.enumerated() {
            if c > 0 { json.raw(",") }
            json.raw("{\"values\":[")
            for (r, v) in column.values.enumerated() {
                if r > 0 { json.raw(",") }
                json.value(v)
            }
            json.raw("],\"statuses\":[")
            for (r, s) in column.statuses.enumerated() {
                if r > 0 { json.raw(",") }
                json.raw("\"")
                json.raw(s.rawValue)
                json.raw("\"")
            }
            json.raw("],\"event_timestamps\":[")
            for (r, t) in column.eventTimes.enumerated() {
                if r > 0 { json.raw(",") }
                json.raw("\"")
                if let t { t.appendISO8601(to: &json.bytes, fractionalDigits: 0) } else { json.raw(epoch) }
                json.raw("\"")
            }
            json.raw("]}")
        }
        json.raw("]}")
        return json.bytes
    }
}
