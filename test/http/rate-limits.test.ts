/** Token buckets per team per bucket (README, "Configuration": RATE_LIMITS), in one process and shared through Redis. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { DEFAULT_BUCKETS } from '../../api/rate-limit/buckets.js';
import { MemoryBucketStore, RedisBucketStore } from '../../api/rate-limit/token-bucket.js';
import { spawnApi } from '../support/processes.js';
import { useStack } from '../support/stack.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('the token bucket', () => {
  const policy = { sustainedPerMinute: 6, burst: 12 };

  test('allows the burst, then one token per 10 s at 6/min', async () => {
    const store = new MemoryBucketStore();
    const t0 = 1_000_000;
    for (let i = 0; i < 12; i++) assert.equal((await store.take('k', policy, t0)).allowed, true);
    const refused = await store.take('k', policy, t0);
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfter, 10);
    assert.equal(refused.remaining, 0);
    assert.equal(refused.resetAt, Math.ceil((t0 + 120_000) / 1000));
    assert.equal((await store.take('k', policy, t0 + 9_999)).allowed, false);
    assert.equal((await store.take('k', policy, t0 + 20_000)).allowed, true);
  });

  test('the Redis store answers like the in-process one', async () => {
    const redis = new Redis(REDIS_URL);
    const store = new RedisBucketStore(redis, `aurous:test:${Date.now()}:`);
    try {
      const answers = [];
      for (let i = 0; i < 13; i++) answers.push(await store.take('team:characters_synthesize', policy));
      assert.deepEqual(
        answers.map((a) => a.allowed),
        [...Array(12).fill(true), false],
      );
      assert.deepEqual(
        answers.slice(0, 3).map((a) => a.remaining),
        [11, 10, 9],
      );
      assert.ok(answers[12]!.retryAfter >= 9 && answers[12]!.retryAfter <= 10);
    } finally {
      await store.close();
    }
  });
});

describe('through the API', () => {
  const stack = useStack({ buckets: DEFAULT_BUCKETS });

  test('a burst of 13 synthesize-bucket calls gets exactly one 429, with Retry-After, that charges nothing', async () => {
    const { api } = await stack.team(100);
    const answers = [];
    for (let i = 0; i < 13; i++) answers.push(await api.post('/v1/characters', { name: `c${i}`, generate: true }));
    assert.deepEqual(
      answers.map((a) => a.status),
      [...Array(12).fill(201), 429],
    );
    const limited = answers[12]!;
    assert.equal(limited.body.error.type, 'rate_limit_error');
    assert.equal(limited.body.error.code, 'rate_limit_exceeded');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(limited.headers.get('x-ratelimit-limit'), '12');
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.equal((await api.get('/v1/balance')).body.credits, 100 - 12 * 4);
  });

  test('every limited response carries the limit headers; buckets are per team and per bucket', async () => {
    const a = await stack.team(10);
    const b = await stack.team(10);
    const first = await a.api.get('/v1/characters');
    assert.equal(first.headers.get('x-ratelimit-limit'), '240');
    assert.equal(first.headers.get('x-ratelimit-remaining'), '239');
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    assert.ok(reset >= Math.floor(Date.now() / 1000) && reset <= Math.ceil(Date.now() / 1000) + 2);
    assert.equal((await a.api.get('/v1/characters')).headers.get('x-ratelimit-remaining'), '238');
    assert.equal((await b.api.get('/v1/characters')).headers.get('x-ratelimit-remaining'), '239');
    const missing = await a.api.post('/v1/characters/char_01J00000000000000000000000/save');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('x-ratelimit-limit'), '60');
  });

  /** Six GETs alternating between two API processes whose characters_get bucket holds 5. */
  async function alternate(store: 'redis' | 'memory'): Promise<number[]> {
    const env = { RATE_LIMIT_STORE: store, REDIS_URL, RATE_LIMITS: JSON.stringify({ characters_get: { sustained_per_minute: 1, burst: 5 } }) };
    const [one, two] = await Promise.all([spawnApi(stack, { env }), spawnApi(stack, { env })]);
    try {
      const { apiKey } = await stack.team(0);
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await (i % 2 ? two! : one!).client(apiKey).get('/v1/characters')).status);
      return statuses;
    } finally {
      await Promise.all([one!.stop(), two!.stop()]);
    }
  }

  test('two API processes sharing Redis hold one limit between them', async () => {
    assert.deepEqual(await alternate('redis'), [200, 200, 200, 200, 200, 429]);
  });

  test('with the in-process store, each process keeps its own buckets (why the shared store exists)', async () => {
    assert.deepEqual(await alternate('memory'), [200, 200, 200, 200, 200, 200]);
  });
});
