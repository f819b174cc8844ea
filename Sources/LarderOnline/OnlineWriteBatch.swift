import Larder

/// Encodes the rows of one write as EVALSHA (or EVAL) commands of the never-older script.
struct OnlineWriteBatch: Sendable {
    enum Script {
        case sha([UInt8])
        case source
    }

    let layout: OnlineViewLayout
    let rows: OnlineRows
    let keyPrefix: [UInt8]
    let featureNames: [[UInt8]]
    /// Microseconds added to the event time for the key's expiry, when the view asks for expiry.
    let expiryAfter: Int64?

    init(layout: OnlineViewLayout, rows: OnlineRows, keyPrefix: String) {
        self.layout = layout
        self.rows = rows
        self.keyPrefix = OnlineKeyLayout.keyPrefix(keyPrefix, layout: layout)
        featureNames = layout.features.map { Array($0.name.utf8) }
        expiryAfter = layout.keyExpiry ? layout.effectiveTTL?.microseconds : nil
    }

    /// Appends one `EVALSHA sha n key... [version expiry count [feature value]...]...` call
    /// writing `rows`, nulls left out. `key` is scratch space reused across rows.
    func appendWrite(rows range: Range<Int>, script: Script, to pipeline: inout RedisPipeline, key: inout [UInt8]) {
        var arguments = 3 + range.count * 4
        for row in range {
            for column in rows.features where !column.isNull(row) { arguments += 2 }
        }
        pipeline.beginCommand(argumentCount: arguments)
        switch script {
        case .sha(let sha):
            pipeline.appendArgument("EVALSHA")
            pipeline.appendArgument(sha)
        case .source:
            pipeline.appendArgument("EVAL")
            pipeline.appendArgument(OnlineWriteScript.source)
        }
        pipeline.appendArgument(decimal: Int64(range.count))
        for row in range { appendKey(row: row, to: &pipeline, scratch: &key) }
        for row in range {
            let event = rows.eventTimes[row].microsecondsSinceEpoch
            let created = rows.createdTimes?[row].microsecondsSinceEpoch ?? Int64.min
            pipeline.appendArgument(length: 16) { OnlineKeyLayout.writeVersion(event: event, created: created, into: $0) }
            if let expiryAfter {
                // Round up to whole milliseconds so the key outlives the last instant the row is served.
                let (end, overflow) = event.addingReportingOverflow(expiryAfter)
                let milliseconds = overflow ? Int64.max / 1000 : (end >= 0 ? (end + 999) / 1000 : end / 1000)
                pipeline.appendArgument(decimal: milliseconds)
            } else {
                pipeline.appendArgument("")
            }
            var present = 0
            for column in rows.features where !column.isNull(row) { present += 1 }
            pipeline.appendArgument(decimal: Int64(present))
            for (f, column) in rows.features.enumerated() where !column.isNull(row) {
                pipeline.appendArgument(featureNames[f])
                OnlineValueCodec.appendValue(column, row: row, to: &pipeline)
            }
        }
    }

    private func appendKey(row: Int, to pipeline: inout RedisPipeline, scratch key: inout [UInt8]) {
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: keyPrefix)
        for (k, column) in rows.entityKeys.enumerated() {
            if k > 0 { key.append(UInt8(ascii: "|")) }
            OnlineKeyLayout.appendEntityValue(column, row: row, to: &key)
        }
        pipeline.appendArgument(key)
    }

    /// Adds one script reply (the number of rows written) to `stats`, or throws Redis' error.
    func count(_ reply: RedisReply, rows range: Range<Int>, into stats: inout OnlineWriteStats) throws(OnlineStoreError) {
        switch reply {
        case .integer(let written) where (0...Int64(range.count)).contains(written):
            stats.written += Int(written)
            stats.skipped += range.count - Int(written)
        case .error(let message):
            throw OnlineStoreError(kind: OnlineStoreError.kind(ofReply: message), view: layout.view, row: range.lowerBound,
                                   message: "Redis refused the write of rows \(range.lowerBound)..<\(range.upperBound): \(message)")
        default:
            throw OnlineStoreError(kind: .server, view: layout.view, row: range.lowerBound,
                                   message: "unexpected reply \(reply) from the write script for rows \(range.lowerBound)..<\(range.upperBound)")
        }
    }
}
