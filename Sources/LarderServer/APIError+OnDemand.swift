import Larder
import Hummingbird

extension APIError {
    /// The answer when an on-demand view's code failed: 400 when the code refused the request's rows
    /// (its own error, such as a ``TransformError`` about a request value), 500 when the code or its
    /// declaration is wrong (an undeclared input, a missing or mistyped output).
    init(onDemand error: OnDemandError) {
        switch error.kind {
        case .refused: self.init(.badRequest, code: "ON_DEMAND_REFUSED", message: error.description)
        case .invalidInput, .invalidOutput: self.init(.internalServerError, code: "ON_DEMAND_FAILED", message: error.description)
        }
    }
}
