/// One pipeline waiting for a pooled connection, with what to do with its replies.
///
/// `complete` runs exactly once, on the connection's thread: with the replies (borrowed, valid
/// only during the call, so decoding happens there) or with the error that prevented them.
struct RedisRequest: Sendable {
    let pipeline: RedisPipeline
    /// Whether the request may be resent once on a fresh connection after a connection loss.
    let mayRetry: Bool
    let complete: @Sendable (Result<RedisReplies, RedisError>) -> Void
}
