import Larder
import LarderColumnar

/// Renders a batch as the JSON the interop script compares:
/// `{"rows": N, "columns": [{"name", "type", "nullable", "values": [...]}]}` where int64/timestamp (µs)
/// are JSON integers, floats use the shortest round-trip form (NaN/±Infinity as strings; float32 widened
/// exactly to double), bytes are lowercase hex strings and nulls are `null`.
enum JSONDump {
    static func render(_ batch: ColumnBatch) -> String {
        var s = "{\"rows\": \(batch.rowCount), \"columns\": ["
        for (i, field) in batch.schema.fields.enumerated() {
            if i > 0 { s += ", " }
            s += "{\"name\": \(quote(field.name)), \"type\": \"\(field.type)\", \"nullable\": \(field.nullable), \"values\": ["
            let column = batch.columns[i]
            for row in 0..<batch.rowCount {
                if row > 0 { s += ", " }
                s += value(column.value(at: row))
            }
            s += "]}"
        }
        return s + "]}\n"
    }

    static func value(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int32(let x): String(x)
        case .int64(let x): String(x)
        case .float32(let x): double(Double(x))
        case .float64(let x): double(x)
        case .string(let x): quote(x)
        case .bytes(let x): "\"" + x.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() + "\""
        case .timestamp(let t): String(t.microsecondsSinceEpoch)
        }
    }

    static func double(_ d: Double) -> String {
        if d.isNaN { return "\"NaN\"" }
        if d.isInfinite { return d > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        return "\(d)"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
