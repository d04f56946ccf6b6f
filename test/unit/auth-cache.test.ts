/**
 * The API-key cache in front of Temporal: a burst of requests on an expired entry makes one
 * lookup, not one per request, and a revoked key stops working once the TTL and grace are over.
 * The tenancy here is a counting stand-in: this checks the cache's logic only; the real lookups
 * are covered end to end by tenancy.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NextFunction, Request, Response } from 'express';
import { authenticate } from '../../api/middleware/auth.js';
import type { Tenancy } from '../../api/use-cases/tenancy.js';

const KEY = 'al_live_cachetest';

function countingTenancy(lookupMs: number) {
  const state = { lookups: 0, revoked: false };
  const tenancy = {
    async resolveKey() {
      state.lookups++;
      await sleep(lookupMs);
      return state.revoked ? null : { teamId: 'team_1', revoked: false, createdAt: '' };
    },
    async team() {
      return { version: null };
    },
  } as unknown as Tenancy;
  return { tenancy, state };
}

/** Runs the middleware once; resolves to the team id it attached, or the error code it threw. */
async function call(middleware: ReturnType<typeof authenticate>): Promise<string> {
  const req = { get: (name: string) => (name === 'X-Api-Key' ? KEY : undefined) } as unknown as Request;
  const res = { locals: {}, setHeader() {} } as unknown as Response;
  try {
    let nextCalled = false;
    await middleware(req, res, (() => void (nextCalled = true)) as NextFunction);
    assert.ok(nextCalled);
    return (res.locals as { teamId: string }).teamId;
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('API-key cache', () => {
  test('32 concurrent first requests share one lookup', async () => {
    const { tenancy, state } = countingTenancy(20);
    const auth = authenticate(tenancy, 200);
    const teams = await Promise.all(Array.from({ length: 32 }, () => call(auth)));
    assert.deepEqual(new Set(teams), new Set(['team_1']));
    assert.equal(state.lookups, 1);
  });

  test('after expiry a burst is answered at once and refreshes once in the background', async () => {
    const { tenancy, state } = countingTenancy(50);
    const auth = authenticate(tenancy, 100);
    await call(auth);
    await sleep(120);
    const started = performance.now();
    const teams = await Promise.all(Array.from({ length: 32 }, () => call(auth)));
    const waited = performance.now() - started;
    assert.deepEqual(new Set(teams), new Set(['team_1']));
    assert.ok(waited < 50, `the burst waited ${waited.toFixed(0)} ms for a lookup it did not need`);
    await sleep(60);
    assert.equal(state.lookups, 2);
  });

  test('drain() waits for a background refresh, so the connection can close after it', async () => {
    const { tenancy, state } = countingTenancy(80);
    const auth = authenticate(tenancy, 100);
    await call(auth);
    await sleep(120);
    await call(auth); // answered from the expired entry; the refresh runs on
    let drained = false;
    const drain = auth.drain().then(() => (drained = true));
    await sleep(20);
    assert.equal(drained, false, 'drain returned while a lookup was still running');
    await drain;
    assert.equal(state.lookups, 2);
  });

  test('a revoked key stops working after TTL plus grace', async () => {
    const { tenancy, state } = countingTenancy(1);
    const auth = authenticate(tenancy, 100);
    assert.equal(await call(auth), 'team_1');
    state.revoked = true;
    assert.equal(await call(auth), 'team_1', 'still cached within the TTL');
    await sleep(100 + 100 + 20);
    assert.equal(await call(auth), 'invalid_api_key');
  });
});
