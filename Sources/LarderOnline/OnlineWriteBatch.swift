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
        self.keyPrefix = Array("\(keyPrefix):\(layout.project):\(layout.view):".utf8)
        featureNames = layout.features.map { Array($0.name.utf8) }
        expiryAfter = layout.keyExpiry ? layout.effectiveTTL?.microseconds : nil
    }

    /// Appends `EVALSHA sha 1 key version expiry [feature value]...` for `row`, nulls left out.
    func appendWrite(row: Int, script: Script, to pipeline: inout RedisPipeline) {
        var present = 0
        for column in rows.features where !column.isNull(row) { present += 1 }
        pipeline.beginCommand(argumentCount: 6 + 2 * present)
        switch script {
        case .sha(let sha):
            pipeline.appendArgument("EVALSHA")
            pipeline.appendArgument(sha)
        case .source:
            pipeline.appendArgument("EVAL")
            pipeline.appendArgument(OnlineWriteScript.source)
        }
        pipeline.appendArgument(decimal: 1)
        appendKey(row: row, to: &pipeline)
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
        for (f, column) in rows.features.enumerated() where !column.isNull(row) {
            pipeline.appendArgument(featureNames[f])
            OnlineValueCodec.appendValue(column, row: row, to: &pipeline)
        }
    }

    private func appendKey(row: Int, to pipeline: inout RedisPipeline) {
        // Small keys: build on the stack-sized scratch array, then copy once into the pipeline.
        var key = keyPrefix
        key.reserveCapacity(keyPrefix.count + 24)
        for (k, column) in rows.entityKeys.enumerated() {
            if k > 0 { key.append(UInt8(ascii: "|")) }
            OnlineKeyLayout.appendEntityValue(column, row: row, to: &key)
        }
        pipeline.appendArgument(key)
    }

    /// Adds one script reply to `stats`, or throws Redis' error for `row`.
    func count(_ reply: RedisReply, row: Int, into stats: inout OnlineWriteStats) throws(OnlineStoreError) {
        switch reply {
        case .integer(1): stats.written += 1
        case .integer(0): stats.skipped += 1
        case .error(let message):
            throw OnlineStoreError(kind: .server, view: layout.view, row: row, message: "Redis refused the write: \(message)")
        default:
            throw OnlineStoreError(kind: .server, view: layout.view, row: row, message: "unexpected reply \(reply) from the write script")
        }
    }
}
