import ShopRedis

/// The trim of one stream as one atomic script, so no group can move (or appear) between the check and the XTRIM.
///
/// KEYS: the stream, the topic's trimming hash (same `{topic}` slot). ARGV: the archive group, the retention in
/// ms, the hash field (the action). Trims below the lowest of: each group's first pending entry (or, with none
/// pending, the entry after its last delivered one) and now minus the retention. Without an archive group
/// nothing is archived for sure, so nothing is trimmed. Writes the report, returns {trimmed, min id, held by, now}.
enum TrimScript {
    static let script = RedisScript(#"""
    local stream, report_key = KEYS[1], KEYS[2]
    local archive_group, retention, field = ARGV[1], tonumber(ARGV[2]), ARGV[3]
    local function fmt(n) return string.format('%.0f', n) end
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local function report(min_id, held_by, trimmed)
      redis.call('HSET', report_key, field, cjson.encode({ stream = stream, min_id = min_id, held_by = held_by,
        trimmed = trimmed, at = now }))
      return { trimmed, min_id or '', held_by, now }
    end
    if redis.call('EXISTS', stream) == 0 then return { 0, '', 'no stream', now } end
    if redis.call('XLEN', stream) == 0 then return report(nil, 'nothing to trim: the stream is empty', 0) end
    local best_ms, best_seq = now - retention, 0
    local held_by = 'retention: entries younger than ' .. fmt(retention / 1000) .. ' s stay in Redis'
    local function consider(id, why)
      local ms, seq = string.match(id, '^(%d+)-(%d+)$')
      ms, seq = tonumber(ms), tonumber(seq)
      if ms < best_ms or (ms == best_ms and seq < best_seq) then best_ms, best_seq, held_by = ms, seq, why end
    end
    local archived = false
    for _, group in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
      local info = {}
      for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
      local name = info['name']
      if name == archive_group then archived = true end
      local pending = redis.call('XPENDING', stream, name)
      if tonumber(pending[1]) > 0 then
        consider(pending[2], 'group ' .. name .. ': ' .. pending[1] .. ' pending from ' .. pending[2])
      else
        local last = info['last-delivered-id']
        local ms, seq = string.match(last, '^(%d+)-(%d+)$')
        consider(ms .. '-' .. fmt(tonumber(seq) + 1), 'group ' .. name .. ': read up to ' .. last)
      end
    end
    if not archived then return report(nil, 'no ' .. archive_group .. ' group: nothing is known to be archived', 0) end
    if best_ms < 0 then best_ms, best_seq = 0, 0 end
    local min_id = fmt(best_ms) .. '-' .. fmt(best_seq)
    return report(min_id, held_by, redis.call('XTRIM', stream, 'MINID', min_id))
    """#)
}
