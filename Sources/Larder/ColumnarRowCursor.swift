/// The row a transform sees on the columnar path: reads come straight from the batch's typed columns,
/// writes go to a per-slot overlay that a new row clears in O(1) (a stamp per slot), so no row is boxed
/// into `Value`s and nothing is allocated per row.
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
        var stamp: UInt32 = 0
        /// Lookups made on this row (the index into `predicted`).
        var access = 0
        var capacity: Int
        var slotCount: Int
        /// Slots written on this row, in the order of their first write.
        var writtenCount = 0
        var names: UnsafeMutablePointer<String>
        var stamps: UnsafeMutablePointer<UInt32>
        var overlay: UnsafeMutablePointer<Value>
        var writtenSlots: UnsafeMutablePointer<Int>
    }

    private let columns: UnsafeMutablePointer<ColumnPointers>
    private let sourceCount: Int
    private let state: UnsafeMutablePointer<State>
    // The buffers, read through `state` (a class's `var`s would cost an exclusivity check per access).
    private var slotNames: UnsafeMutablePointer<String> { state.pointee.names }
    private var stamps: UnsafeMutablePointer<UInt32> { state.pointee.stamps }
    private var overlay: UnsafeMutablePointer<Value> { state.pointee.overlay }
    private var writtenSlots: UnsafeMutablePointer<Int> { state.pointee.writtenSlots }

    private static let predictedCapacity = 64
    private let predicted: UnsafeMutablePointer<Int>

    package init(names sourceNames: [String], columns: [ColumnPointers]) {
        precondition(sourceNames.count == columns.count, "one name per column")
        sourceCount = sourceNames.count
        self.columns = .allocate(capacity: max(columns.count, 1))
        self.columns.initialize(from: columns, count: columns.count)
        let capacity = max(sourceNames.count + 8, 16)
        let names = UnsafeMutablePointer<String>.allocate(capacity: capacity)
        names.initialize(from: sourceNames, count: sourceNames.count)
        let stamps = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        stamps.initialize(repeating: 0, count: capacity)
        let overlay = UnsafeMutablePointer<Value>.allocate(capacity: capacity)
        overlay.initialize(repeating: .null, count: capacity)
        state = .allocate(capacity: 1)
        state.initialize(to: State(capacity: capacity, slotCount: sourceNames.count, names: names, stamps: stamps, overlay: overlay,
                                   writtenSlots: .allocate(capacity: capacity)))
        predicted = .allocate(capacity: Self.predictedCapacity)
        predicted.initialize(repeating: -1, count: Self.predictedCapacity)
    }

    deinit {
        columns.deinitialize(count: sourceCount)
        columns.deallocate()
        slotNames.deinitialize(count: state.pointee.slotCount)
        slotNames.deallocate()
        stamps.deallocate()
        overlay.deinitialize(count: state.pointee.capacity)
        overlay.deallocate()
        writtenSlots.deallocate()
        predicted.deallocate()
        state.deallocate()
    }

    /// Moves to `row` with nothing written.
    @inline(__always) package func begin(row: Int) {
        state.pointee.row = row
        state.pointee.access = 0
        state.pointee.writtenCount = 0
        state.pointee.stamp &+= 1
        if state.pointee.stamp == 0 {
            stamps.update(repeating: 0, count: state.pointee.capacity)
            state.pointee.stamp = 1
        }
    }

    package var row: Int { state.pointee.row }
    package var slotCount: Int { state.pointee.slotCount }
    /// The slots written on this row, in the order of their first write.
    package var written: UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: writtenSlots, count: state.pointee.writtenCount) }
    @inline(__always) package func isWritten(_ slot: Int) -> Bool { stamps[slot] == state.pointee.stamp }
    /// The value written to `slot` on the current row.
    @inline(__always) package func writtenValue(_ slot: Int) -> Value { overlay[slot] }
    /// Where the value written to `slot` on the current row is (valid until the next write or row).
    @inline(__always) package func writtenValuePointer(_ slot: Int) -> UnsafePointer<Value> { UnsafePointer(overlay + slot) }
    @inline(__always) package func isSource(_ slot: Int) -> Bool { slot < sourceCount }
    package func name(ofSlot slot: Int) -> String { slotNames[slot] }
    package func slot(named name: String) -> Int? { (0..<state.pointee.slotCount).first { slotNames[$0] == name } }

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
            let newStamps = UnsafeMutablePointer<UInt32>.allocate(capacity: grown)
            newStamps.initialize(repeating: 0, count: grown)
            newStamps.update(from: stamps, count: capacity)
            let newOverlay = UnsafeMutablePointer<Value>.allocate(capacity: grown)
            newOverlay.moveInitialize(from: overlay, count: capacity)
            (newOverlay + capacity).initialize(repeating: .null, count: grown - capacity)
            let newWritten = UnsafeMutablePointer<Int>.allocate(capacity: grown)
            newWritten.update(from: writtenSlots, count: state.pointee.writtenCount)
            slotNames.deallocate()
            stamps.deallocate()
            overlay.deallocate()
            writtenSlots.deallocate()
            state.pointee.names = newNames
            state.pointee.stamps = newStamps
            state.pointee.overlay = newOverlay
            state.pointee.writtenSlots = newWritten
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
        if isWritten(slot) { return overlay[slot] }
        return slot < sourceCount ? columns[slot].value(state.pointee.row) : nil
    }

    func value(named name: String) -> Value? { lookup(name).flatMap(read) }

    func set(_ value: Value, named name: String) {
        let s = lookup(name) ?? addSlot(name)
        overlay[s] = value
        if stamps[s] != state.pointee.stamp {
            stamps[s] = state.pointee.stamp
            writtenSlots[state.pointee.writtenCount] = s
            state.pointee.writtenCount &+= 1
        }
    }

    func double(named name: String) -> Double? {
        guard let s = lookup(name) else { return nil }
        if isWritten(s) { return overlay[s].doubleValue }
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
        if isWritten(s) { return overlay[s].int64Value }
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
            if case .string(let text) = overlay[s] { return text }
            return nil
        }
        let row = state.pointee.row
        guard s < sourceCount, columns[s].type == .string, !columns[s].isNull(row) else { return nil }
        return String(decoding: columns[s].bytes(row), as: UTF8.self)
    }

    func timestamp(named name: String) -> Timestamp? {
        guard let s = lookup(name) else { return nil }
        if isWritten(s) {
            if case .timestamp(let t) = overlay[s] { return t }
            return nil
        }
        let row = state.pointee.row
        guard s < sourceCount, columns[s].type == .timestamp, !columns[s].isNull(row) else { return nil }
        return Timestamp(microsecondsSinceEpoch: columns[s].load(row, as: Int64.self))
    }
}
