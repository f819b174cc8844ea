import LarderOnline
import Hummingbird

extension APIError {
    /// Seconds a client should wait before retrying after a 503 from the online store.
    static let onlineStoreRetryAfter = "1"

    /// The answer when the online store failed: 503 with `Retry-After` for what passes by itself (Redis
    /// unreachable or timing out, or replying `LOADING`, `MASTERDOWN`, `BUSY`, `OOM`, `READONLY`, …), 500
    /// for the rest. Messages carry Redis' address, never its URL's password.
    init(onlineStoreFailure error: any Error) {
        switch error {
        case let error as RedisError where error.isTransient:
            self.init(.serviceUnavailable, code: "ONLINE_STORE_UNAVAILABLE",
                      message: "the online store is not answering (\(error)); lookups resume by themselves when Redis is back",
                      headers: [.retryAfter: Self.onlineStoreRetryAfter])
        case let error as OnlineStoreError where error.kind == .unavailable:
            self.init(.serviceUnavailable, code: "ONLINE_STORE_UNAVAILABLE", message: "the online store cannot answer now (\(error)); retry",
                      headers: [.retryAfter: Self.onlineStoreRetryAfter])
        case let error as RedisError:
            self.init(.internalServerError, code: "ONLINE_STORE_ERROR", message: "\(error)")
        case let error as OnlineStoreError:
            self.init(.internalServerError, code: "ONLINE_STORE_ERROR", message: "\(error)")
        default:
            self.init(.internalServerError, code: "INTERNAL", message: "the online store call failed: \(error)")
        }
    }
}
