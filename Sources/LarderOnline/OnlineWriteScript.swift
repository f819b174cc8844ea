/// The Lua script that applies one row write only if it is newer than the stored row.
///
/// `KEYS[1]` is the entity row's hash; `ARGV[1]` the row's 16-byte version (see
/// ``OnlineKeyLayout/writeVersion(event:created:into:)``); `ARGV[2]` the absolute expiry in Unix
/// milliseconds or an empty string for none; `ARGV[3...]` field/value pairs of the non-null features.
/// Returns 1 when written, 0 when the stored version is the same or newer (so replays and
/// out-of-order writers are harmless: the script is idempotent and order-independent).
///
/// Versions are compared byte by byte because Lua's numbers are doubles (not exact beyond 2^53)
/// and Lua's string `<` follows the server's collation locale.
enum OnlineWriteScript {
    static let source = """
    local old = redis.call('HGET', KEYS[1], '_v')
    if old then
      local new = ARGV[1]
      local newer = false
      for i = 1, 16 do
        local a, b = string.byte(new, i) or -1, string.byte(old, i) or -1
        if a ~= b then
          newer = a > b
          break
        end
      end
      if not newer then return 0 end
      redis.call('DEL', KEYS[1])
    end
    redis.call('HSET', KEYS[1], '_v', ARGV[1], unpack(ARGV, 3))
    if ARGV[2] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
    return 1
    """
}
