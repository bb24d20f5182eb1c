import ShopEventStore

/// The ledger's script on the inventory topic: one script decides and writes, so two orders can never take the
/// same unit, and each amount change is an `inventory_updated` event appended by the store's Lua library.
enum ReservationScripts {
    /// KEYS[7] the reservations sorted set, KEYS[8] this order's reservation hash. ARGV from A: order id, mode
    /// (`reserve`, `release`, `swap`), product count, product ids (repeats count), event id count, event ids,
    /// then the events' correlation id, causation id and traceparent (or empty).
    /// Replies {entry id, inventory id, version, payload} per event; `NEEDIDS n` when it needs more event ids.
    static let reserve = TopicScript(#"""
    local RESERVATIONS, RESERVATION = KEYS[7], KEYS[8]
    local order, mode = ARGV[A], ARGV[A + 1]
    local n = tonumber(ARGV[A + 2])
    local want, want_pids = {}, {}
    if mode ~= 'release' then
      for i = 1, n do
        local pid = ARGV[A + 2 + i]
        if not want[pid] then want[pid] = 0; want_pids[#want_pids + 1] = pid end
        want[pid] = want[pid] + 1
      end
    end
    local c = A + 3 + n
    local event_ids = {}
    for i = 1, tonumber(ARGV[c]) do event_ids[i] = ARGV[c + i] end
    local d = c + tonumber(ARGV[c])
    local cause = { ARGV[d + 1], ARGV[d + 2], ARGV[d + 3] }

    local held, held_pids = {}, {}
    local h = redis.call('HGETALL', RESERVATION)
    for i = 1, #h, 2 do held[h[i]] = tonumber(h[i + 1]); held_pids[#held_pids + 1] = h[i] end
    if mode == 'reserve' and #held_pids > 0 then
      local same = #held_pids == #want_pids
      for pid, count in pairs(want) do if held[pid] ~= count then same = false end end
      if same then return {} end -- a retry of the same reservation changes nothing
      return redis.error_reply('RESERVED ' .. order)
    end

    -- Net change per product: what the order takes now minus what it held.
    local delta, touched = {}, {}
    for _, pid in ipairs(held_pids) do delta[pid] = -held[pid]; touched[#touched + 1] = pid end
    for _, pid in ipairs(want_pids) do
      if not delta[pid] then delta[pid] = 0; touched[#touched + 1] = pid end
      delta[pid] = delta[pid] + want[pid]
    end
    local changes = {}
    local by_product = unique_key('product_id')
    for _, pid in ipairs(touched) do
      if delta[pid] ~= 0 then
        local id = redis.call('HGET', by_product, pid)
        local amount = id and tonumber(redis.call('HGET', entity_key(id), 'amount'))
        if delta[pid] > 0 and (not amount or amount < delta[pid]) then return redis.error_reply('OUTOFSTOCK ' .. pid) end
        -- Releasing into a deleted inventory has nothing left to give back to.
        if amount then changes[#changes + 1] = { id = id, amount = amount - delta[pid] } end
      end
    end
    if #changes > #event_ids then return redis.error_reply('NEEDIDS ' .. #changes) end

    clock_load()
    local replies = {}
    for i, change in ipairs(changes) do
      redis.call('HSET', entity_key(change.id), 'amount', fmt(change.amount))
      local v = redis.call('HINCRBY', VERSIONS, change.id, 1)
      local payload = entity_json(change.id)
      redis.call('HSET', DOCS, change.id, payload)
      local entry = append_event('updated', change.id, v, event_ids[i], 'json', payload, cause)
      replies[i] = { entry, change.id, v, payload }
    end
    redis.call('DEL', RESERVATION)
    if #want_pids > 0 then
      for _, pid in ipairs(want_pids) do redis.call('HSET', RESERVATION, pid, want[pid]) end
      redis.call('ZADD', RESERVATIONS, now_ms, order)
    else
      redis.call('ZREM', RESERVATIONS, order)
    end
    if #changes > 0 then clock_save() end
    return replies
    """#)
}
