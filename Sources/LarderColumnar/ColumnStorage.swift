/// The typed contiguous buffers behind a ``Column``.
///
/// Strings and bytes use Arrow's layout: `offsets[i]..<offsets[i+1]` is row `i`'s slice of `bytes`
/// (so `offsets.count == rowCount + 1`). Timestamps are stored as `int64` microseconds since the epoch.
/// Null slots hold zero / an empty slice.
///
/// ```swift
/// let storage = ColumnStorage.int64([1, 2, 3])
/// ```
public enum ColumnStorage: Sendable, Hashable {
    case bool([Bool])
    case int32([Int32])
    case int64([Int64])
    case float32([Float])
    case float64([Double])
    case binary(offsets: [Int], bytes: [UInt8])

    var count: Int {
        switch self {
        case .bool(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .binary(let offsets, _): max(offsets.count - 1, 0)
        }
    }
}
