internal import Larder
internal import LarderColumnar

/// Raw pointers into one column's storage, valid inside ``with(_:_:)``: lets the writer's row loop read
/// any column without boxing or retaining arrays per value.
struct CSVColumnView {
    enum Kind { case bool, int32, int64, float32, float64, timestamp, string, bytes }

    var kind: Kind
    /// The values (for strings and bytes: the payload bytes).
    var raw: UnsafeRawPointer
    /// `count + 1` offsets into `raw`, for strings and bytes.
    var offsets: UnsafePointer<Int>
    /// Validity words (bit set = present), or `nil` when the column has no nulls.
    var validity: UnsafePointer<UInt64>?

    /// Calls `body` with a view of every column, keeping the storage alive and pinned meanwhile.
    static func with(_ columns: [Column], _ body: ([CSVColumnView]) -> Void) {
        var views: [CSVColumnView] = []
        views.reserveCapacity(columns.count)
        nest(columns, 0, &views, body)
    }

    private static func nest(_ columns: [Column], _ index: Int, _ views: inout [CSVColumnView], _ body: ([CSVColumnView]) -> Void) {
        guard index < columns.count else {
            body(views)
            return
        }
        let column = columns[index]
        let validityWords = column.validity?.words ?? []
        validityWords.withUnsafeBufferPointer { words in
            let validity = column.validity == nil ? nil : words.baseAddress
            func push(_ kind: Kind, _ raw: UnsafeRawPointer?, _ offsets: UnsafePointer<Int>? = nil) {
                // Empty arrays may have no address; rows are never read from them, any pointer will do.
                let placeholder = UnsafeRawPointer(words.baseAddress) ?? UnsafeRawPointer(bitPattern: 8)!
                views.append(CSVColumnView(
                    kind: kind, raw: raw ?? placeholder,
                    offsets: offsets ?? placeholder.assumingMemoryBound(to: Int.self), validity: validity))
                nest(columns, index + 1, &views, body)
                views.removeLast()
            }
            switch column.storage {
            case .bool(let v): v.withUnsafeBytes { push(.bool, $0.baseAddress) }
            case .int32(let v): v.withUnsafeBytes { push(.int32, $0.baseAddress) }
            case .int64(let v): v.withUnsafeBytes { push(column.type == .timestamp ? .timestamp : .int64, $0.baseAddress) }
            case .float32(let v): v.withUnsafeBytes { push(.float32, $0.baseAddress) }
            case .float64(let v): v.withUnsafeBytes { push(.float64, $0.baseAddress) }
            case .binary(let offsets, let bytes):
                offsets.withUnsafeBufferPointer { o in
                    bytes.withUnsafeBytes { b in push(column.type == .string ? .string : .bytes, b.baseAddress, o.baseAddress) }
                }
            }
        }
    }
}
