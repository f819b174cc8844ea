/// The Lua script that stores merged tiles of several entities at once, only if no other writer changed those
/// entities since they were read (compare-and-set on each tile hash's `_n` counter), and records the identities
/// of the events applied.
///
/// Why merge in Swift and only compare-and-set in Lua: the merge is ``AggregateState``'s, the code the training
/// sets use, so online and offline values cannot drift apart through a second implementation (and Lua's doubles
/// cannot sum 64-bit integers exactly).
///
/// `KEYS`: per entity its tile hash then its identity set. `ARGV[1]`: the identity score below which identities
/// are forgotten (Unix ms). Times to live are relative to the writer's clock (its `now`), not Redis'. Then per entity: the expected `_n` (`''` = no hash yet, `'*'` = any: replace the
/// whole hash), the hash's time to live in ms (`'-1'` = none, `''` = leave it), the identity set's time to live, the counts `s`, `d`, `i`,
/// then `s` field/value pairs to set, `d` fields to delete, `i` identity/score pairs to add. All checks come
/// before any write: if an entity's `_n` differs, nothing is written and the script returns the 1-based
/// positions of the entities that changed (an empty array: all written).
enum AggregateWriteScript {
    /// Entities per script call: enough to amortize the call, short enough not to stall other clients.
    static let entitiesPerCall = 32

    static let source = """
    local stale = {}
    local fresh = {}
    local a = 2
    for k = 1, #KEYS, 2 do
      local expected = ARGV[a]
      local ok = true
      if expected ~= '*' then
        local current = redis.call('HGET', KEYS[k], '_n') or ''
        if current ~= expected then ok = false end
      end
      if ok then fresh[#fresh + 1] = {k, a} else stale[#stale + 1] = (k + 1) / 2 end
      a = a + 6 + 2 * tonumber(ARGV[a + 3]) + tonumber(ARGV[a + 4]) + 2 * tonumber(ARGV[a + 5])
    end
    for _, entry in ipairs(fresh) do
      local key, ids, b = KEYS[entry[1]], KEYS[entry[1] + 1], entry[2]
      local expected, expiry, idsExpiry = ARGV[b], ARGV[b + 1], ARGV[b + 2]
      local s, d, i = tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5])
      local p = b + 6
      local counter = tostring(tonumber(redis.call('HGET', key, '_n') or '0') + 1)
      if expected == '*' then redis.call('DEL', key) end
      if s > 0 then redis.call('HSET', key, '_n', counter, unpack(ARGV, p, p + 2 * s - 1)) else redis.call('HSET', key, '_n', counter) end
      p = p + 2 * s
      if d > 0 then redis.call('HDEL', key, unpack(ARGV, p, p + d - 1)) end
      p = p + d
      if expiry == '-1' then redis.call('PERSIST', key) elseif expiry ~= '' then redis.call('PEXPIRE', key, expiry) end
      if i > 0 then
        -- ARGV holds identity, score pairs; ZADD wants score, member.
        local zargs = {}
        for q = p, p + 2 * i - 1, 2 do zargs[#zargs + 1] = ARGV[q + 1]; zargs[#zargs + 1] = ARGV[q] end
        redis.call('ZADD', ids, unpack(zargs))
        redis.call('ZREMRANGEBYSCORE', ids, '-inf', '(' .. ARGV[1])
        redis.call('PEXPIRE', ids, idsExpiry)
      end
    end
    return stale
    """
}
