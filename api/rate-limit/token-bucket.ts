/**
 * Token buckets: capacity = burst, refilled continuously at sustained/60 tokens per second. Two
 * stores: in-process (one API replica) and Redis (any number of replicas share the buckets; the
 * refill and take run atomically in one Lua script on Redis's own clock).
 */
import type { Redis } from 'ioredis';
import type { BucketPolicy } from './buckets.js';

export interface TakeResult {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Epoch seconds at which the bucket is full again. */
  resetAt: number;
  /** Seconds until one token is available (0 when allowed). */
  retryAfter: number;
}

export interface BucketStore {
  take(key: string, policy: BucketPolicy): Promise<TakeResult>;
  close(): Promise<void>;
}

interface Level {
  tokens: number;
  at: number;
}

const perMs = (policy: BucketPolicy) => policy.sustainedPerMinute / 60_000;

/** The bucket's answer once `level` (refilled to `now`) is known. */
function answer(policy: BucketPolicy, tokens: number, allowed: boolean, now: number): TakeResult {
  const rate = perMs(policy);
  return {
    allowed,
    remaining: Math.floor(tokens),
    resetAt: Math.ceil((now + (policy.burst - tokens) / rate) / 1000),
    retryAfter: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / rate / 1000)),
  };
}

export class MemoryBucketStore implements BucketStore {
  private readonly levels = new Map<string, Level>();

  async take(key: string, policy: BucketPolicy, now = Date.now()): Promise<TakeResult> {
    const level = this.levels.get(key) ?? { tokens: policy.burst, at: now };
    let tokens = Math.min(policy.burst, level.tokens + Math.max(0, now - level.at) * perMs(policy));
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    this.levels.set(key, { tokens, at: now });
    if (this.levels.size > 100_000) this.evictFull(now, policy);
    return answer(policy, tokens, allowed, now);
  }

  /** Forgets buckets old enough to be full again: they hold no information. */
  private evictFull(now: number, policy: BucketPolicy): void {
    const fullAfterMs = policy.burst / perMs(policy);
    for (const [key, level] of this.levels) if (now - level.at > fullAfterMs) this.levels.delete(key);
  }

  async close(): Promise<void> {}
}

// Same arithmetic as MemoryBucketStore.take, on Redis's clock, atomically.
const TAKE_SCRIPT = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local level = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(level[1]) or burst
local at = tonumber(level[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return { allowed, tostring(tokens), tostring(now) }
`;

export class RedisBucketStore implements BucketStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'aurous:ratelimit:',
  ) {
    redis.defineCommand('aurousTakeToken', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  }

  async take(key: string, policy: BucketPolicy): Promise<TakeResult> {
    const [allowed, tokens, now] = (await (this.redis as unknown as { aurousTakeToken: (...a: unknown[]) => Promise<[number, string, string]> }).aurousTakeToken(
      this.prefix + key,
      policy.burst,
      perMs(policy),
    )) as [number, string, string];
    return answer(policy, Number(tokens), allowed === 1, Number(now));
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
