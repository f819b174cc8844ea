import ArgumentParser
import Larder

/// `--entity key=value` options as one-row entity columns for an online lookup: integers become
/// int64 values, anything else a string.
enum EntityArguments {
    static func columns(_ texts: [String]) throws -> [(name: String, values: [Value])] {
        try texts.map { text in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--entity \(text) is not key=value") }
            return (parts[0], [Int64(parts[1]).map(Value.int64) ?? .string(parts[1])])
        }
    }
}
