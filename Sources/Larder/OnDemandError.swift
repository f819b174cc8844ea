/// An ``OnDemandView`` could not compute its outputs: its code refused the rows, read an input it does
/// not have, or set outputs that do not fit their declaration. Names the view and, where there is one,
/// the feature.
///
/// ```swift
/// throw OnDemandError(.refused, view: "trip_request", message: "distance_km is negative")
/// ```
public struct OnDemandError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The code threw (for example a ``TransformError`` about the request's values).
        case refused
        /// The code read an input the view does not declare, or as a type it cannot be read as.
        case invalidInput
        /// An output is missing, undeclared, of the wrong length or type, or null where not nullable.
        case invalidOutput
    }
    public var kind: Kind
    public var view: String
    public var feature: String?
    public var message: String

    public init(_ kind: Kind, view: String, feature: String? = nil, message: String) {
        self.kind = kind
        self.view = view
        self.feature = feature
        self.message = message
    }

    public var description: String { "on-demand view \(view): \(message)" }
}
