import LarderColumnar

/// Maps a view's join-key tuples to dense key ids `0..<keyCount`, so the join can bucket stored rows by key with
/// a counting sort and find an entity row's bucket with one array index.
///
/// One key column is encoded on its own (see ``KeyColumnEncoding``). Several key columns are folded left to
/// right: the ids so far and the next column's ids combine as `id * keyCount(next) + nextId`, and that combined
/// integer is encoded again (directly or hashed), so a tuple of any width costs one integer encoding per extra
/// column and never hashes the tuple's bytes together. Complexity O(rows * key columns).
///
/// ```swift
/// let (index, storedIds) = JoinKeyIndex.build(storedKeys: [stored.column(named: "driver_id")!])
/// let entityIds = index.lookup(entityKeys: [orders.column(named: "driver_id")!])   // -1 = not stored
/// ```
struct JoinKeyIndex: Sendable {
    private let columnEncodings: [KeyColumnEncoding]
    /// Encodings of the folded ids; `combinedEncodings[j - 1]` folds key column `j` in.
    private let combinedEncodings: [KeyColumnEncoding]
    let keyCount: Int

    /// Builds the index from the stored rows' key columns; returns each stored row's key id (-1 = a null key).
    static func build(storedKeys: [Column]) -> (index: JoinKeyIndex, ids: [Int32]) {
        precondition(!storedKeys.isEmpty, "a join needs at least one key column")
        let (first, firstIds) = KeyColumnEncoding.encode(storedKeys[0])
        var ids = firstIds
        var columnEncodings = [first]
        var combinedEncodings: [KeyColumnEncoding] = []
        var keyCount = first.keyCount
        for column in storedKeys.dropFirst() {
            let (encoding, nextIds) = KeyColumnEncoding.encode(column)
            columnEncodings.append(encoding)
            let (combined, combinedIds) = KeyColumnEncoding.encode(
                combined: fold(ids, nextIds, nextKeyCount: encoding.keyCount))
            combinedEncodings.append(combined)
            ids = combinedIds
            keyCount = combined.keyCount
        }
        return (JoinKeyIndex(columnEncodings: columnEncodings, combinedEncodings: combinedEncodings, keyCount: keyCount), ids)
    }

    /// The key id of each entity row (-1 = a null key, or a key with no stored rows).
    func lookup(entityKeys: [Column]) -> [Int32] {
        precondition(entityKeys.count == columnEncodings.count, "lookup needs one column per join key")
        var ids = columnEncodings[0].lookup(entityKeys[0])
        for j in columnEncodings.indices.dropFirst() {
            let nextIds = columnEncodings[j].lookup(entityKeys[j])
            ids = combinedEncodings[j - 1].lookup(
                combined: Self.fold(ids, nextIds, nextKeyCount: columnEncodings[j].keyCount))
        }
        return ids
    }

    /// `a * nextKeyCount + b`, or -1 when either id is -1. Cannot overflow: both factors are below 2^31.
    private static func fold(_ a: [Int32], _ b: [Int32], nextKeyCount: Int) -> [Int64] {
        let width = Int64(nextKeyCount)
        return [Int64](unsafeUninitializedCapacity: a.count) { out, initialized in
            for i in 0..<a.count {
                out[i] = a[i] < 0 || b[i] < 0 ? -1 : Int64(a[i]) * width + Int64(b[i])
            }
            initialized = a.count
        }
    }
}
