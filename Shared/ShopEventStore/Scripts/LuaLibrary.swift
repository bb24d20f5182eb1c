/// The Lua shared by every store script, so the clock, key names and event entries are written once.
///
/// Calling convention of every script: KEYS = the topic's created, updated and deleted streams, ids, versions,
/// clock (then script-specific keys); ARGV = key base (`{topic}`), unique field (or empty), number of list
/// fields, the list fields, then script-specific arguments starting at `A`.
enum LuaLibrary {
    static let source = #"""
    local BASE = ARGV[1]
    local UNIQUE = ARGV[2]
    local LIST_FIELDS = {}
    for i = 1, tonumber(ARGV[3]) do LIST_FIELDS[i] = ARGV[3 + i] end
    local A = 4 + #LIST_FIELDS
    local STREAM = { created = KEYS[1], updated = KEYS[2], deleted = KEYS[3] }
    local IDS, VERSIONS, CLOCK = KEYS[4], KEYS[5], KEYS[6]
    -- Read-optimised copy of each live entity's JSON (id → JSON): a list read is ZRANGE + HMGET.
    local DOCS = BASE .. '_json'

    local function entity_key(id) return BASE .. '_entity:' .. id end
    local function list_key(field, id) return BASE .. '_' .. field .. ':' .. id end
    local function unique_key(field) return BASE .. '_unique:' .. field end
    local function fmt(n) return string.format('%.0f', n) end

    -- The append clock: entry ids strictly increasing across the topic's three streams, from the server's time.
    -- `created` counts creations: the ids sorted set's scores (creation order), saved with the clock.
    -- A clock made anew (first append, or Redis lost it) gets a new `epoch`: readers that cache the topic reload.
    local clock_ms, clock_seq, now_ms, created, clock_new
    local function clock_load()
      local c = redis.call('HMGET', CLOCK, 'ms', 'seq', 'created')
      clock_ms, clock_seq, created = tonumber(c[1]), tonumber(c[2]), tonumber(c[3])
      clock_new = not clock_ms
      if not created then
        local last = redis.call('ZRANGE', IDS, -1, -1, 'WITHSCORES')
        created = tonumber(last[2]) or 0
      end
      if not clock_ms then
        -- Clock lost (or first append): start after the newest id any of the streams ever generated.
        clock_ms, clock_seq = 0, -1
        for _, s in ipairs({ KEYS[1], KEYS[2], KEYS[3] }) do
          if redis.call('EXISTS', s) == 1 then
            local info = redis.call('XINFO', 'STREAM', s)
            for i = 1, #info, 2 do
              if info[i] == 'last-generated-id' then
                local ms, seq = string.match(info[i + 1], '^(%d+)-(%d+)$')
                ms, seq = tonumber(ms), tonumber(seq)
                if ms > clock_ms or (ms == clock_ms and seq > clock_seq) then clock_ms, clock_seq = ms, seq end
              end
            end
          end
        end
      end
      local t = redis.call('TIME')
      now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    end
    local function clock_next()
      if now_ms > clock_ms then clock_ms, clock_seq = now_ms, 0 else clock_seq = clock_seq + 1 end
      return fmt(clock_ms) .. '-' .. fmt(clock_seq)
    end
    local function clock_save()
      redis.call('HSET', CLOCK, 'ms', fmt(clock_ms), 'seq', fmt(clock_seq), 'created', fmt(created))
      if clock_new then redis.call('HSET', CLOCK, 'epoch', fmt(now_ms)); clock_new = false end
    end

    -- `cause`: {correlation, causation, traceparent}; the traceparent is stored only when a tracer recorded one.
    local function append_event(action, id, version, event_id, enc, payload, cause)
      local entry = clock_next()
      if cause[3] == '' then
        redis.call('XADD', STREAM[action], entry, 'event_id', event_id, 'entity', payload, 'aggregate_id', id,
          'version', fmt(version), 'occurred_at', fmt(clock_ms), 'correlation_id', cause[1], 'causation_id', cause[2],
          'enc', enc)
      else
        redis.call('XADD', STREAM[action], entry, 'event_id', event_id, 'entity', payload, 'aggregate_id', id,
          'version', fmt(version), 'occurred_at', fmt(clock_ms), 'correlation_id', cause[1], 'causation_id', cause[2],
          'traceparent', cause[3], 'enc', enc)
      end
      return entry
    end

    -- The entity JSON from the projection: hash values and list items are JSON text already.
    local function entity_json(id)
      local h = redis.call('HGETALL', entity_key(id))
      if #h == 0 then return nil end
      local parts = {}
      for i = 1, #h, 2 do parts[#parts + 1] = cjson.encode(h[i]) .. ':' .. h[i + 1] end
      for _, f in ipairs(LIST_FIELDS) do
        parts[#parts + 1] = cjson.encode(f) .. ':[' .. table.concat(redis.call('LRANGE', list_key(f, id), 0, -1), ',') .. ']'
      end
      return '{' .. table.concat(parts, ',') .. '}'
    end

    local function stored_unique(id)
      if UNIQUE == '' then return '' end
      local v = redis.call('HGET', entity_key(id), UNIQUE)
      if not v then return '' end
      local ok, s = pcall(cjson.decode, v)
      if ok and type(s) == 'string' then return s end
      return ''
    end

    -- `fresh`: a create, whose keys a delete already removed (saves two calls per create).
    local function write_entity(id, fields, lists, fresh)
      local ek = entity_key(id)
      if not fresh then redis.call('DEL', ek) end
      if #fields > 0 then redis.call('HSET', ek, unpack(fields)) end
      for i, f in ipairs(LIST_FIELDS) do
        local lk = list_key(f, id)
        if not fresh then redis.call('DEL', lk) end
        local items = lists[i]
        for s = 1, #items, 1000 do redis.call('RPUSH', lk, unpack(items, s, math.min(s + 999, #items))) end
      end
    end

    local function remove_entity(id)
      redis.call('HDEL', DOCS, id)
      redis.call('DEL', entity_key(id))
      for _, f in ipairs(LIST_FIELDS) do redis.call('DEL', list_key(f, id)) end
    end

    """#
}
