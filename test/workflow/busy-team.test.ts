/**
 * A busy team on a server left at Temporal's default of 10 in-flight Updates per workflow: every
 * paid call of a team is an Update on its one ledger workflow, and on Server 1.29 the Update that
 * overflows the limit aborts all the others, which then retry into each other. The worker keeps a
 * team's ledger calls under the limit; this proves it with many parallel creates.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAST_RENDERER, useStack } from '../support/stack.js';

const stack = useStack({ backend: FAST_RENDERER, dynamicConfig: { 'history.maxInFlightUpdates': 10 } });

describe('a busy team', () => {
  test('40 parallel creates all succeed, each charged once, on the default in-flight limit', async () => {
    const { api } = await stack.team(1000);
    const started = Date.now();
    const created = await Promise.all(Array.from({ length: 40 }, (_, i) => api.post('/v1/characters', { name: `busy ${i}`, generate: true })));
    const acceptedIn = Date.now() - started;
    assert.deepEqual(
      created.map((r) => r.status),
      Array(40).fill(201),
      created.find((r) => r.status !== 201)?.text,
    );
    // Generous for a loaded CI machine; the retry storm this guards against never finished at all.
    assert.ok(acceptedIn < 60_000, `40 creates took ${acceptedIn} ms`);
    const settled = await Promise.all(created.map((r) => api.settled(r.body.id, 60_000)));
    assert.deepEqual(new Set(settled.map((c) => c.status)), new Set(['reviewing']));
    assert.equal((await api.get('/v1/balance')).body.credits, 1000 - 40 * 4);
  });

  test('12 parallel edits of one character all land, in some order', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/characters', { name: 'edited', generate: true });
    await api.settled(created.body.id);
    const edits = await Promise.all(Array.from({ length: 12 }, (_, i) => api.patch(`/v1/characters/${created.body.id}`, { name: `edit ${i}` })));
    assert.deepEqual(
      edits.map((r) => r.status),
      Array(12).fill(200),
      edits.find((r) => r.status !== 200)?.text,
    );
    const names = new Set(edits.map((r) => r.body.name));
    assert.equal(names.size, 12);
    assert.ok(names.has((await api.get(`/v1/characters/${created.body.id}`)).body.name));
  });
});
