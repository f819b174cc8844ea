import ArgumentParser
import Larder
import LarderRegistry

/// `--entity key=value` (and `--request field=value`) options as one-row columns for an online lookup:
/// integers become int64 values, anything else a string — except request fields of the registered
/// on-demand views, read as their declared type (numbers for number fields, true/false for booleans), so
/// `--entity distance_km=3.2` means the number. Values that do not fit are left as text for the lookup
/// to refuse with its own message.
enum EntityArguments {
    static func columns(_ texts: [String], option: String = "--entity", spec: RepositorySpec? = nil) throws -> [(name: String, values: [Value])] {
        var requestTypes: [String: ValueType] = [:]
        for view in spec?.onDemandViews ?? [] {
            for field in view.requestFields { requestTypes[field.name] = field.type }
        }
        return try texts.map { text in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("\(option) \(text) is not key=value") }
            return (parts[0], [value(parts[1], as: requestTypes[parts[0]])])
        }
    }

    private static func value(_ text: String, as type: ValueType?) -> Value {
        switch type {
        case .float64?, .float32?:
            if let integer = Int64(text) { return .int64(integer) }
            return Double(text).map(Value.float64) ?? .string(text)
        case .bool?:
            return text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        case .string?, .timestamp?, .bytes?:
            return .string(text)
        case .int32?, .int64?, nil:
            return Int64(text).map(Value.int64) ?? .string(text)
        }
    }
}
