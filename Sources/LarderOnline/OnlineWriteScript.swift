/// The Lua script that applies row writes only when they are newer than the stored rows.
///
/// One call writes several rows: `KEYS[i]` is row i's entity hash; `ARGV` holds, per row in the
/// same order, its 16-byte version (see ``OnlineKeyLayout/writeVersion(event:created:into:)``),
/// its absolute expiry in Unix milliseconds or an empty string for none, the number `n` of
/// non-null features, then `n` field/value pairs. A row whose stored version is the same or newer
/// is left alone; a newer row replaces the whole hash (so a newer null removes an older value).
/// Returns how many rows were written. Replays and out-of-order writers are harmless: the script
/// is idempotent and order-independent.
///
/// Versions are compared byte by byte because Lua's numbers are doubles (not exact beyond 2^53)
/// and Lua's string `<` follows the server's collation locale.
enum OnlineWriteScript {
    /// Rows per script call: enough to amortize the call's fixed cost, few enough to keep one
    /// call short (Redis runs scripts without interleaving other clients).
    static let rowsPerCall = 32

    static let source = """
    local written = 0
    local a = 1
    for k = 1, #KEYS do
      local key, version, expiry = KEYS[k], ARGV[a], ARGV[a + 1]
      local first = a + 3
      a = first + 2 * tonumber(ARGV[a + 2])
      local old = redis.call('HGET', key, '_v')
      local newer = true
      if old then
        newer = false
        for i = 1, 16 do
          local x, y = string.byte(version, i) or -1, string.byte(old, i) or -1
          if x ~= y then
            newer = x > y
            break
          end
        end
      end
      if newer then
        if old then redis.call('DEL', key) end
        redis.call('HSET', key, '_v', version, unpack(ARGV, first, a - 1))
        if expiry ~= '' then redis.call('PEXPIREAT', key, expiry) end
        written = written + 1
      end
    end
    return written
    """
}
