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
 * KEYS[3] rsv:    sorted set of rate-limit reservations by job id, scored by time
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
local inFlight = redis.call('ZCARD', KEYS[1])
if inFlight >= cap then
  -- Come back when a slot should be free: the waiters are spaced by hold / cap,
  -- so each one is deferred about once instead of polling.
  local hold = tonumber(s[5]) or 1000
  local at = math.max(now, tonumber(s[4]) or 0) + math.max(5, math.floor(hold / cap))
  redis.call('HSET', KEYS[2], 'next', at)
  redis.call('PEXPIRE', KEYS[2], 86400000)
  return {0, at - now, 'busy'}
end
if rate > 0 then
  -- Two parts: tat books each waiter a time of its own (spaced by 1 / rate), so a
  -- deferred job comes back once, when its turn is due; the log of the last
  -- second's admissions is the hard cap, however late a booked job comes back.
  local interval = 1000 / rate
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 1000)
  local count = redis.call('ZCARD', KEYS[4])
  local tat = tonumber(s[6]) or 0
  local reserved = tonumber(redis.call('ZSCORE', KEYS[3], job) or '-1')
  local booked = reserved >= 0 and reserved <= now + 5
  if count >= rate or (not booked and tat > now) then
    local at = now
    if not booked then
      at = math.max(tat, now)
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 60000)
      redis.call('ZADD', KEYS[3], at, job)
      redis.call('PEXPIRE', KEYS[3], 120000)
      redis.call('HSET', KEYS[2], 'tat', at + interval)
      redis.call('PEXPIRE', KEYS[2], 86400000)
    end
    if count >= rate then
      local oldest = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
      at = math.max(at, tonumber(oldest[2]) + 1000)
    end
    return {0, math.max(1, math.ceil(at - now)), 'rate_limited'}
  end
  if booked then redis.call('ZREM', KEYS[3], job) else redis.call('HSET', KEYS[2], 'tat', now + interval) end
  redis.call('ZADD', KEYS[4], now, lease)
  redis.call('PEXPIRE', KEYS[4], 2000)
end
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
if ok then
  redis.call('HSET', KEYS[2], 'fails', 0, 'openMs', baseOpen)
else
  local fails = redis.call('HINCRBY', KEYS[2], 'fails', 1)
  if fails >= threshold then
    local openMs = tonumber(redis.call('HGET', KEYS[2], 'openMs') or '') or baseOpen
    if probe then openMs = math.min(openMs * 2, maxOpen) end
    redis.call('HSET', KEYS[2], 'openUntil', now + openMs, 'openMs', openMs)
  end
end
redis.call('PEXPIRE', KEYS[2], 86400000)
return 1
`;
