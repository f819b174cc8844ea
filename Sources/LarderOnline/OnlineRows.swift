public import Larder

/// Rows to write to one view online, column by column: join key values, event times, created
/// times and one column per feature of the layout (in layout order).
///
/// ```swift
/// let rows = OnlineRows(entityKeys: [.int64([1001, 1002])],
///                       eventTimes: [t1, t2],
///                       features: [.float32([0.5, 0.7]), .int64([3, 9], validity: [true, false])])
/// // or from values:
/// let same = try OnlineRows(layout: layout, entityKeys: [[.int64(1001)], [.int64(1002)]], eventTimes: [t1, t2],
///                           featureValues: [[.float32(0.5), .int64(3)], [.float32(0.7), .null]])
/// ```
public struct OnlineRows: Sendable {
    /// One column per join key, in the layout's join key order.
    public var entityKeys: [OnlineColumn]
    public var eventTimes: [Timestamp]
    /// Breaks ties between equal event times (the greater wins); `nil` treats all as equal, so the
    /// first write of a given event time stays.
    public var createdTimes: [Timestamp]?
    /// One column per feature, in the layout's feature order.
    public var features: [OnlineColumn]

    public var count: Int { eventTimes.count }

    public init(entityKeys: [OnlineColumn], eventTimes: [Timestamp], createdTimes: [Timestamp]? = nil, features: [OnlineColumn]) {
        self.entityKeys = entityKeys
        self.eventTimes = eventTimes
        self.createdTimes = createdTimes
        self.features = features
    }

    /// Builds columns from row-wise values (`entityKeys[row][joinKey]`, `featureValues[row][feature]`),
    /// typing features by the layout and join keys by their first non-null value.
    public init(layout: OnlineViewLayout, entityKeys: [[Value]], eventTimes: [Timestamp], createdTimes: [Timestamp]? = nil,
                featureValues: [[Value]]) throws(OnlineStoreError) {
        guard entityKeys.count == eventTimes.count, featureValues.count == eventTimes.count else {
            throw OnlineStoreError(kind: .invalidRows, view: layout.view,
                                   message: "\(entityKeys.count) entity keys, \(featureValues.count) feature rows and \(eventTimes.count) event times must be as many")
        }
        var keys: [OnlineColumn] = []
        for (k, name) in layout.joinKeys.enumerated() {
            var column: [Value] = []
            column.reserveCapacity(entityKeys.count)
            for (row, key) in entityKeys.enumerated() {
                guard key.count == layout.joinKeys.count else {
                    throw OnlineStoreError(kind: .invalidRows, view: layout.view,
                                           message: "row \(row) has \(key.count) join key values; the view's join keys are \(layout.joinKeys)")
                }
                column.append(key[k])
            }
            let type = column.first { !$0.isNull }?.type ?? .int64
            // Integer keys are stored as text, so int32 and int64 spell the same key.
            keys.append(try OnlineColumn(type: type == .int32 ? .int64 : type, values: column, column: name))
        }
        var features: [OnlineColumn] = []
        for (f, feature) in layout.features.enumerated() {
            var column: [Value] = []
            column.reserveCapacity(featureValues.count)
            for (row, values) in featureValues.enumerated() {
                guard values.count == layout.features.count else {
                    throw OnlineStoreError(kind: .invalidRows, view: layout.view,
                                           message: "row \(row) has \(values.count) feature values; the view has \(layout.features.count) features")
                }
                column.append(values[f])
            }
            features.append(try OnlineColumn(type: feature.type, values: column, column: feature.name))
        }
        self.init(entityKeys: keys, eventTimes: eventTimes, createdTimes: createdTimes, features: features)
    }

    /// Checks the columns match `layout` (counts, lengths, declared types).
    func validate(against layout: OnlineViewLayout) throws(OnlineStoreError) {
        func fail(_ message: String) -> OnlineStoreError {
            OnlineStoreError(kind: .invalidRows, view: layout.view, message: message)
        }
        guard entityKeys.count == layout.joinKeys.count else {
            throw fail("\(entityKeys.count) entity key columns given; the view's join keys are \(layout.joinKeys)")
        }
        guard features.count == layout.features.count else {
            throw fail("\(features.count) feature columns given; the view has \(layout.features.count): \(layout.features.map(\.name))")
        }
        if let createdTimes, createdTimes.count != count {
            throw fail("\(createdTimes.count) created times for \(count) rows")
        }
        for (k, column) in entityKeys.enumerated() {
            guard column.count == count else {
                throw fail("join key \"\(layout.joinKeys[k])\" has \(column.count) values for \(count) rows")
            }
            if let m = column.validity, m.count != count {
                throw fail("join key \"\(layout.joinKeys[k])\" has a validity of \(m.count) entries for \(count) rows")
            }
            if let m = column.validity, let row = m.firstIndex(of: false) {
                throw fail("join key \"\(layout.joinKeys[k])\" is null in row \(row); rows without an entity key cannot be stored online")
            }
        }
        for (f, column) in features.enumerated() {
            let declared = layout.features[f]
            guard column.count == count else {
                throw fail("feature \"\(declared.name)\" has \(column.count) values for \(count) rows")
            }
            guard column.type == declared.type else {
                throw fail("feature \"\(declared.name)\" is declared \(declared.type) but the column holds \(column.type); convert the column")
            }
            if let m = column.validity, m.count != count {
                throw fail("feature \"\(declared.name)\" has a validity of \(m.count) entries for \(count) rows")
            }
        }
    }
}
