/**
 * The Lua behind WebhookLimits. Each script touches only the keys of one
 * webhook, all under one hash tag, so it runs on Redis Cluster too. Time is
 * Redis's own (TIME): every worker, on any host, sees one clock.
 *
 * KEYS[1] leases: sorted set of attempts in flight, scored by their expiry
 * KEYS[2] state:  hash of fails, openUntil, openMs, probeUntil (circuit breaker),
 *                 next (when the next deferred attempt should come back), hold
 *                 (moving average of how long an attempt holds its slot), tat
 *                 (rate limit: theoretical arrival time of the next attempt)
 * KEYS[3] rsv:    sorted set of bookings (a deferred job's turn) by job id, scored by time
 * KEYS[4] log:    sorted set of the last second's admissions (rate limit)
 */

const CLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * ARGV: lease id, lease ttl ms, max concurrency, rate per second (0: none),
 * failure threshold, job id.
 * Returns {1, 0, '', probe} when admitted, {0, waitMs, reason} otherwise.
 */
export const ADMIT = `${CLOCK}
local lease, ttl, cap, rate, threshold, job = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local s = redis.call('HMGET', KEYS[2], 'fails', 'openUntil', 'probeUntil', 'next', 'hold', 'tat', 'openMs')
local fails = tonumber(s[1]) or 0
local probe = 0
if fails >= threshold then
  local openUntil = tonumber(s[2]) or 0
  if now < openUntil then return {0, openUntil - now, 'circuit_open'} end
  local probeUntil = tonumber(s[3]) or 0
  -- One probe at a time; the others come back when it has surely ended, or after one open period.
  if probeUntil > now then return {0, math.min(probeUntil - now, tonumber(s[7]) or 5000), 'circuit_open'} end
  probe = 1
end
-- A job deferred earlier holds a booking: its turn. It comes before jobs that
-- never waited, so a freed slot is not taken by a newcomer while the job whose
-- turn it is comes back (which would defer every job several times).
local bookedAt = tonumber(redis.call('ZSCORE', KEYS[3], job) or '-1')
local booked = bookedAt >= 0 and bookedAt <= now + 5
local function book(at)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 60000)
  redis.call('ZADD', KEYS[3], at, job)
  redis.call('PEXPIRE', KEYS[3], 120000)
  redis.call('PEXPIRE', KEYS[2], 86400000)
end
local inFlight = redis.call('ZCARD', KEYS[1])
local nextAt = tonumber(s[4]) or 0
-- A newcomer yields only to bookings due within one hold time that the free slots could not all serve.
local yield = false
if not booked and nextAt > now and inFlight < cap then
  yield = redis.call('ZCOUNT', KEYS[3], '-inf', now + (tonumber(s[5]) or 1000)) >= cap - inFlight
end
if inFlight >= cap or yield then
  -- Waiters are spaced by hold / cap, starting when the oldest attempt in
  -- flight should end: about when a slot frees for each of them.
  local hold = tonumber(s[5]) or 1000
  local spacing = hold / cap
  -- A booked job that finds no slot (the estimate ran ahead) is booked again
  -- after the others, with the estimate as it is now: so it comes back once
  -- more, not every few ms.
  if nextAt < now and inFlight >= cap then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    if oldest[2] then nextAt = tonumber(oldest[2]) - ttl + hold end
  end
  local at = math.max(now, nextAt) + spacing
  redis.call('HSET', KEYS[2], 'next', at)
  book(at)
  return {0, math.max(1, math.ceil(at - now)), 'busy'}
end
if rate > 0 then
  -- tat books each waiter a time of its own, 1 / rate apart; the log of the
  -- last second's admissions is the hard cap, however late a job comes back.
  local interval = 1000 / rate
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 1000)
  local count = redis.call('ZCARD', KEYS[4])
  local tat = tonumber(s[6]) or 0
  if count >= rate or (not booked and tat > now) then
    local at = now
    if not booked then
      at = math.max(tat, now)
      redis.call('HSET', KEYS[2], 'tat', at + interval)
      book(at)
    end
    if count >= rate then
      local oldest = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
      at = math.max(at, tonumber(oldest[2]) + 1000)
    end
    return {0, math.max(1, math.ceil(at - now)), 'rate_limited'}
  end
  if not booked then redis.call('HSET', KEYS[2], 'tat', now + interval) end
  redis.call('ZADD', KEYS[4], now, lease)
  redis.call('PEXPIRE', KEYS[4], 2000)
end
if booked then redis.call('ZREM', KEYS[3], job) end
redis.call('ZADD', KEYS[1], now + ttl, lease)
redis.call('PEXPIRE', KEYS[1], ttl)
if probe == 1 then redis.call('HSET', KEYS[2], 'probeUntil', now + ttl) end
redis.call('PEXPIRE', KEYS[2], 86400000)
return {1, 0, '', probe}
`;

/**
 * ARGV: lease id, succeeded (1/0), was a probe (1/0), failure threshold,
 * first open period ms, longest open period ms, ms the slot was held.
 */
export const RELEASE = `${CLOCK}
local lease, ok, probe, threshold, baseOpen, maxOpen, held = ARGV[1], ARGV[2] == '1', ARGV[3] == '1', tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
redis.call('ZREM', KEYS[1], lease)
local hold = tonumber(redis.call('HGET', KEYS[2], 'hold') or '')
if hold then hold = hold * 0.8 + held * 0.2 else hold = held end
redis.call('HSET', KEYS[2], 'hold', math.floor(hold))
if probe then redis.call('HDEL', KEYS[2], 'probeUntil') end
-- 1: no change of the circuit; 2: this release opened it; 3: this release closed it.
local changed = 1
if ok then
  local before = tonumber(redis.call('HGET', KEYS[2], 'fails') or '') or 0
  if before >= threshold then changed = 3 end
  redis.call('HSET', KEYS[2], 'fails', 0, 'openMs', baseOpen)
else
  local fails = redis.call('HINCRBY', KEYS[2], 'fails', 1)
  if fails >= threshold then
    local openMs = tonumber(redis.call('HGET', KEYS[2], 'openMs') or '') or baseOpen
    if probe then openMs = math.min(openMs * 2, maxOpen) end
    redis.call('HSET', KEYS[2], 'openUntil', now + openMs, 'openMs', openMs)
    if fails == threshold then changed = 2 end
  end
end
redis.call('PEXPIRE', KEYS[2], 86400000)
return changed
`;
