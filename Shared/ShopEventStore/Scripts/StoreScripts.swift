import ShopRedis

/// The store's Lua scripts, each loaded once and run by EVALSHA (reloaded on NOSCRIPT by the client).
enum StoreScripts {
    /// Appends a batch of events of one topic and updates its projection, all or nothing.
    ///
    /// Arguments from A: event count, then per event: action, id, expected version (or empty), event id,
    /// correlation id, causation id, traceparent (or empty), enc, payload (empty for a delete: taken from the
    /// projection), the entity JSON for the documents hash (uncompressed; empty for a delete), unique value (or empty),
    /// field count, name/value pairs, and for each list field its item count and items.
    /// Replies per event: {entry id, version, payload built for a delete or empty}.
    static let append = RedisScript(LuaLibrary.source + #"""
    local events = {}
    local p = A + 1
    for e = 1, tonumber(ARGV[A]) do
      local ev = { action = ARGV[p], id = ARGV[p + 1], expected = ARGV[p + 2], event_id = ARGV[p + 3],
        cause = { ARGV[p + 4], ARGV[p + 5], ARGV[p + 6] }, enc = ARGV[p + 7], payload = ARGV[p + 8], doc = ARGV[p + 9],
        unique = ARGV[p + 10], fields = {}, lists = {} }
      if not STREAM[ev.action] or ev.id == '' then return redis.error_reply('INVALID event ' .. e) end
      local n = tonumber(ARGV[p + 11])
      p = p + 12
      for i = 1, 2 * n do ev.fields[i] = ARGV[p + i - 1] end
      p = p + 2 * n
      for l = 1, #LIST_FIELDS do
        local items = {}
        local m = tonumber(ARGV[p])
        for i = 1, m do items[i] = ARGV[p + i] end
        ev.lists[l] = items
        p = p + 1 + m
      end
      events[e] = ev
    end

    -- Pass 1: check every event against the state the earlier events of the batch leave, before writing anything.
    local version, owner, uvalue = {}, {}, {}
    local function version_of(id)
      if version[id] == nil then
        local v = redis.call('HGET', VERSIONS, id)
        version[id] = v and tonumber(v) or false
      end
      return version[id]
    end
    local function owner_of(value)
      if owner[value] == nil then owner[value] = redis.call('HGET', unique_key(UNIQUE), value) end
      return owner[value]
    end
    local function unique_of(id)
      if uvalue[id] == nil then uvalue[id] = stored_unique(id) end
      return uvalue[id]
    end
    for _, ev in ipairs(events) do
      local v = version_of(ev.id)
      if ev.expected ~= '' and tonumber(ev.expected) ~= (v or 0) then
        return redis.error_reply('VERSION ' .. ev.id .. ' ' .. ev.expected .. ' ' .. fmt(v or 0))
      end
      if ev.action == 'created' then
        if v then return redis.error_reply('EXISTS ' .. ev.id) end
        version[ev.id] = 1
      else
        if not v then return redis.error_reply('NOTFOUND ' .. ev.id) end
        version[ev.id] = (ev.action == 'updated') and (v + 1) or false
      end
      if UNIQUE ~= '' then
        local old = (ev.action == 'created') and '' or unique_of(ev.id)
        local new = (ev.action == 'deleted') and '' or ev.unique
        if new ~= old then
          if new ~= '' then
            local o = owner_of(new)
            if o and o ~= ev.id then return redis.error_reply('DUPLICATE ' .. UNIQUE .. ' ' .. new) end
            owner[new] = ev.id
          end
          if old ~= '' and owner_of(old) == ev.id then owner[old] = false end
        end
        uvalue[ev.id] = new
      end
    end

    -- Pass 2: write.
    clock_load()
    local replies = {}
    for _, ev in ipairs(events) do
      local v, built = 1, ''
      local old = (ev.action == 'created') and '' or stored_unique(ev.id)
      if ev.action == 'created' then
        write_entity(ev.id, ev.fields, ev.lists, true)
        redis.call('HSET', DOCS, ev.id, ev.doc)
        created = created + 1
        redis.call('ZADD', IDS, created, ev.id)
        redis.call('HSET', VERSIONS, ev.id, 1)
      elseif ev.action == 'updated' then
        write_entity(ev.id, ev.fields, ev.lists, false)
        redis.call('HSET', DOCS, ev.id, ev.doc)
        v = redis.call('HINCRBY', VERSIONS, ev.id, 1)
      else
        if ev.payload == '' then
          ev.payload = redis.call('HGET', DOCS, ev.id) or entity_json(ev.id) or '{}'
          built = ev.payload
        end
        v = tonumber(redis.call('HGET', VERSIONS, ev.id)) + 1
        remove_entity(ev.id)
        redis.call('ZREM', IDS, ev.id)
        redis.call('HDEL', VERSIONS, ev.id)
      end
      if UNIQUE ~= '' then
        local new = (ev.action == 'deleted') and '' or ev.unique
        if new ~= old then
          local uk = unique_key(UNIQUE)
          if old ~= '' and redis.call('HGET', uk, old) == ev.id then redis.call('HDEL', uk, old) end
          if new ~= '' then redis.call('HSET', uk, new, ev.id) end
        end
      end
      local entry = append_event(ev.action, ev.id, v, ev.event_id, ev.enc, ev.payload, ev.cause)
      replies[#replies + 1] = { entry, v, built }
    end
    clock_save()
    return replies
    """#)

    /// Reads entities as one JSON array text: ARGV[A] `all` (live ids in creation order) or `ids` then the ids
    /// (`null` for an unknown id), from the documents hash; `fields` then ids assembles them from the entity
    /// hashes and lists instead (what verify checks the documents against).
    static let read = RedisScript(LuaLibrary.source + #"""
    local mode = ARGV[A]
    local ids
    if mode == 'all' then
      ids = redis.call('ZRANGE', IDS, 0, -1)
    else
      ids = {}
      for i = A + 1, #ARGV do ids[#ids + 1] = ARGV[i] end
    end
    local out = {}
    if mode == 'fields' then
      for i, id in ipairs(ids) do out[i] = entity_json(id) or 'null' end
    else
      for s = 1, #ids, 1000 do
        local docs = redis.call('HMGET', DOCS, unpack(ids, s, math.min(s + 999, #ids)))
        for i = 1, #docs do
          local id = ids[s + i - 1]
          -- A live entity without a document (written before documents existed) is assembled from its fields.
          out[s + i - 1] = docs[i] or (redis.call('ZSCORE', IDS, id) and entity_json(id)) or 'null'
        end
      end
    end
    return '[' .. table.concat(out, ',') .. ']'
    """#)
}

extension StoreScripts {
    /// Swaps a staged projection in: ARGV from A: the clock mark the rebuild started from, the staging base,
    /// then the staged ids. Fails with `MOVED_ON` (and drops the staged keys) when events were appended since.
    static let swapProjection = RedisScript(LuaLibrary.source + #"""
    local STAGE = ARGV[A + 1]
    local function staged_keys(id)
      local keys = { STAGE .. '_entity:' .. id }
      for _, f in ipairs(LIST_FIELDS) do keys[#keys + 1] = STAGE .. '_' .. f .. ':' .. id end
      return keys
    end
    local shared = { STAGE .. '_ids', STAGE .. '_versions', STAGE .. '_unique:' .. UNIQUE, STAGE .. '_json' }
    local c = redis.call('HMGET', CLOCK, 'ms', 'seq')
    if (c[1] or '') .. '-' .. (c[2] or '') ~= ARGV[A] then
      for i = A + 2, #ARGV do redis.call('DEL', unpack(staged_keys(ARGV[i]))) end
      redis.call('DEL', unpack(shared))
      return redis.error_reply('MOVED_ON the topic has new events')
    end
    -- RENAME replaces a live key, so only entities that are gone and lists that became empty need a DEL.
    local rebuilt = {}
    for i = A + 2, #ARGV do rebuilt[ARGV[i]] = true end
    for _, id in ipairs(redis.call('ZRANGE', IDS, 0, -1)) do
      if not rebuilt[id] then remove_entity(id) end
    end
    redis.call('DEL', IDS, VERSIONS)
    if UNIQUE ~= '' then redis.call('DEL', unique_key(UNIQUE)) end
    local function move(from, to)
      if redis.call('EXISTS', from) == 1 then redis.call('RENAME', from, to) else redis.call('DEL', to) end
    end
    for i = A + 2, #ARGV do
      local id = ARGV[i]
      redis.call('RENAME', STAGE .. '_entity:' .. id, entity_key(id))   -- always staged: it holds at least the id
      for _, f in ipairs(LIST_FIELDS) do move(STAGE .. '_' .. f .. ':' .. id, list_key(f, id)) end
    end
    move(shared[1], IDS)
    move(shared[2], VERSIONS)
    move(shared[4], DOCS)
    if UNIQUE ~= '' then move(shared[3], unique_key(UNIQUE)) end
    return #ARGV - A - 1
    """#)
}
