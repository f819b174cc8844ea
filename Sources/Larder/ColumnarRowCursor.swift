/// The row a transform sees on the columnar path, over one chunk of a batch: reads come straight from the
/// batch's typed columns, writes go to per-slot columns of the chunk (a kind byte and eight bits per row,
/// strings and bytes boxed beside), so no row is boxed into `Value`s, nothing is allocated per row, and
/// the chunk's output is assembled column-wise afterwards from ``writes(ofSlot:)``.
///
/// Names are resolved to slots by prediction: a transform asks for the same names in the same order
/// on every row, so the k-th lookup of a row is first compared with the k-th lookup's slot of the
/// previous row (one `String ==`, which for short names compares two words) before any search.
///
/// Columns a transform adds get slots after the source's; a slot added on an earlier row but not
/// written on this one reads as absent, as on a boxed row. Used by one thread at a time; its mutable
/// state lives behind pointers so the per-row path pays no exclusivity checks or reference counting.
package final class ColumnarRowCursor: @unchecked Sendable {
    private struct State {
        var row = 0
        /// `row` within the chunk.
        var offset = 0
        /// Lookups made on this row (the index into `predicted`).
        var access = 0
        var capacity: Int
        var slotCount: Int
        var names: UnsafeMutablePointer<String>
        var writes: UnsafeMutablePointer<SlotWrites?>
    }

    private let columns: UnsafeMutablePointer<ColumnPointers>
    private let sourceCount: Int
    private let chunk: Range<Int>
    private let state: UnsafeMutablePointer<State>
    // The buffers, read through `state` (a class's `var`s would cost an exclusivity check per access).
    private var slotNames: UnsafeMutablePointer<String> { state.pointee.names }
    private var slotWrites: UnsafeMutablePointer<SlotWrites?> { state.pointee.writes }

    private static let predictedCapacity = 64
    private let predicted: UnsafeMutablePointer<Int>

    /// A cursor over rows `chunk` of `columns` (named `sourceNames`).
    package init(names sourceNames: [String], columns: [ColumnPointers], chunk: Range<Int>) {
        precondition(sourceNames.count == columns.count, "one name per column")
        sourceCount = sourceNames.count
        self.chunk = chunk
        self.columns = .allocate(capacity: max(columns.count, 1))
        self.columns.initialize(from: columns, count: columns.count)
        let capacity = max(sourceNames.count + 8, 16)
        let names = UnsafeMutablePointer<String>.allocate(capacity: capacity)
        names.initialize(from: sourceNames, count: sourceNames.count)
        let writes = UnsafeMutablePointer<SlotWrites?>.allocate(capacity: capacity)
        writes.initialize(repeating: nil, count: capacity)
        state = .allocate(capacity: 1)
        state.initialize(to: State(capacity: capacity, slotCount: sourceNames.count, names: names, writes: writes))
        predicted = .allocate(capacity: Self.predictedCapacity)
        predicted.initialize(repeating: -1, count: Self.predictedCapacity)
    }

    deinit {
        columns.deinitialize(count: sourceCount)
        columns.deallocate()
        slotNames.deinitialize(count: state.pointee.slotCount)
        slotNames.deallocate()
        for slot in 0..<state.pointee.capacity { slotWrites[slot]?.deallocate() }
        slotWrites.deinitialize(count: state.pointee.capacity)
        slotWrites.deallocate()
        predicted.deallocate()
        state.deallocate()
    }

    /// Moves to `row` (in the chunk) with nothing written.
    @inline(__always) package func begin(row: Int) {
        state.pointee.row = row
        state.pointee.offset = row &- chunk.lowerBound
        state.pointee.access = 0
    }

    @inline(__always) package func isSource(_ slot: Int) -> Bool { slot < sourceCount }
    package func slot(named name: String) -> Int? { (0..<state.pointee.slotCount).first { slotNames[$0] == name } }
    /// What the chunk's rows wrote to `slot`; nil when no row wrote it.
    package func writes(ofSlot slot: Int) -> SlotWrites? { slotWrites[slot] }

    @inline(__always) private func isWritten(_ slot: Int) -> Bool {
        guard let writes = slotWrites[slot] else { return false }
        return writes.kinds[state.pointee.offset] != WrittenKind.none.rawValue
    }

    /// The slot of `name`, if any row has it; predicted from the previous row's lookups.
    @inline(__always) private func lookup(_ name: String) -> Int? {
        let k = state.pointee.access
        state.pointee.access = k &+ 1
        if k < Self.predictedCapacity {
            let guess = predicted[k]
            if guess >= 0 && slotNames[guess] == name { return guess }
        }
        let found = slot(named: name)
        if k < Self.predictedCapacity { predicted[k] = found ?? -1 }
        return found
    }

    private func addSlot(_ name: String) -> Int {
        let capacity = state.pointee.capacity, count = state.pointee.slotCount
        if count == capacity {
            let grown = capacity * 2
            let newNames = UnsafeMutablePointer<String>.allocate(capacity: grown)
            newNames.moveInitialize(from: slotNames, count: count)
            let newWrites = UnsafeMutablePointer<SlotWrites?>.allocate(capacity: grown)
            newWrites.moveInitialize(from: slotWrites, count: capacity)
            (newWrites + capacity).initialize(repeating: nil, count: grown - capacity)
            slotNames.deallocate()
            slotWrites.deallocate()
            state.pointee.names = newNames
            state.pointee.writes = newWrites
            state.pointee.capacity = grown
        }
        (slotNames + count).initialize(to: name)
        state.pointee.slotCount = count + 1
        return count
    }

    // MARK: What FeatureRow asks

    private var presentSlots: [Int] { (0..<state.pointee.slotCount).filter { $0 < sourceCount || isWritten($0) } }
    var names: [String] { presentSlots.map { slotNames[$0] } }
    var values: [Value] { presentSlots.map { read($0)! } }

    /// The value of `slot` on this row, or nil for an added slot this row did not write.
    private func read(_ slot: Int) -> Value? {
        if isWritten(slot) { return slotWrites[slot].unsafelyUnwrapped.value(at: state.pointee.offset) }
        return slot < sourceCount ? columns[slot].value(state.pointee.row) : nil
    }

    func value(named name: String) -> Value? { lookup(name).flatMap(read) }

    func set(_ value: Value, named name: String) {
        let s = lookup(name) ?? addSlot(name)
        if slotWrites[s] == nil { slotWrites[s] = SlotWrites(count: chunk.count) }
        slotWrites[s]!.store(value, at: state.pointee.offset)
    }

    func double(named name: String) -> Double? {
        guard let s = lookup(name) else { return nil }
        if isWritten(s) { return slotWrites[s].unsafelyUnwrapped.double(at: state.pointee.offset) }
        guard s < sourceCount else { return nil }
        let column = columns[s], row = state.pointee.row
        if column.isNull(row) { return nil }
        switch column.type {
        case .float32: return Double(column.load(row, as: Float.self))
        case .float64: return column.load(row, as: Double.self)
        case .int32: return Double(column.load(row, as: Int32.self))
        case .int64, .timestamp: return Double(column.load(row, as: Int64.self))
        case .bool: return column.load(row, as: Bool.self) ? 1 : 0
        case .string, .bytes: return nil
        }
    }

    func int64(named name: String) -> Int64? {
        guard let s = lookup(name) else { return nil }
        if isWritten(s) { return slotWrites[s].unsafelyUnwrapped.value(at: state.pointee.offset).int64Value }
        guard s < sourceCount else { return nil }
        let column = columns[s], row = state.pointee.row
        if column.isNull(row) { return nil }
        switch column.type {
        case .int32: return Int64(column.load(row, as: Int32.self))
        case .int64: return column.load(row, as: Int64.self)
        default: return nil
        }
    }

    func string(named name: String) -> String? {
        guard let s = lookup(name) else { return nil }
        if isWritten(s) {
            if case .string(let text) = slotWrites[s].unsafelyUnwrapped.value(at: state.pointee.offset) { return text }
            return nil
        }
        let row = state.pointee.row
        guard s < sourceCount, columns[s].type == .string, !columns[s].isNull(row) else { return nil }
        return String(decoding: columns[s].bytes(row), as: UTF8.self)
    }

    func timestamp(named name: String) -> Timestamp? {
        guard let s = lookup(name) else { return nil }
        if isWritten(s) {
            if case .timestamp(let t) = slotWrites[s].unsafelyUnwrapped.value(at: state.pointee.offset) { return t }
            return nil
        }
        let row = state.pointee.row
        guard s < sourceCount, columns[s].type == .timestamp, !columns[s].isNull(row) else { return nil }
        return Timestamp(microsecondsSinceEpoch: columns[s].load(row, as: Int64.self))
    }
}
