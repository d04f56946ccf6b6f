/** A character touched many times continues-as-new and loses nothing. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { regenerateRef } from '../../domain/messages.js';
import { useStack } from '../support/stack.js';

const stack = useStack({ dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 40 } });

async function runsOf(id: string): Promise<number> {
  let runs = 0;
  for await (const _ of stack.env.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs++;
  return runs;
}

/**
 * A PATCH as a careful client sends it: a 503 is retried with the same Idempotency-Key (the
 * contract's advice). Under load one PATCH racing a continue-as-new once answered 503 (CI on
 * PostgreSQL); the retry must still apply it exactly once, which the final name and attributes check.
 */
async function patchWithRetry(api: Awaited<ReturnType<typeof stack.team>>['api'], id: string, body: unknown) {
  const key = `cas-${randomUUID()}`;
  let answer = await api.request('PATCH', `/v1/characters/${id}`, body, { 'Idempotency-Key': key });
  for (let attempt = 0; answer.status === 503 && attempt < 5; attempt++) {
    await new Promise((r) => setTimeout(r, 500));
    answer = await api.request('PATCH', `/v1/characters/${id}`, body, { 'Idempotency-Key': key });
  }
  return answer;
}

test('state, refs, credits and the list survive several continue-as-new', async () => {
  const { api } = await stack.team(20);
  const created = await api.post('/v1/characters', { name: 'Long-lived', generate: true, attributes: { hair_color: 'black' } });
  const id = created.body.id;
  const first = await api.settled(id);
  for (let i = 0; i < 25; i++) {
    const patched = await patchWithRetry(api, id, { name: `Name ${i}` });
    assert.equal(patched.status, 200, patched.text);
  }
  await api.post(`/v1/characters/${id}/refs/regenerate`, { pose: 'front' });
  const regenerated = await api.settled(id);
  assert.equal(regenerated.status, 'reviewing');
  const saved = await api.post(`/v1/characters/${id}/save`);
  assert.equal(saved.status, 200);
  for (let i = 0; i < 10; i++) assert.equal((await patchWithRetry(api, id, { attributes: { hair_color: 'black', age: i } })).status, 200);

  const deadline = Date.now() + 5000;
  while ((await runsOf(id)) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok((await runsOf(id)) >= 3, `expected at least two continue-as-new, saw ${await runsOf(id)} runs`);

  const now = await api.get(`/v1/characters/${id}`);
  assert.equal(now.body.name, 'Name 24');
  assert.equal(now.body.status, 'ready');
  assert.deepEqual(now.body.attributes, { hair_color: 'black', age: 9 });
  assert.equal(now.body.created_at, first.created_at);
  assert.deepEqual(
    now.body.refs.map((r: any) => r.pose),
    ['portrait', 'front', 'side', 'back'],
  );
  const path = (url: string) => new URL(url).pathname;
  assert.deepEqual(
    now.body.refs.filter((r: any) => r.pose !== 'front').map((r: any) => path(r.url)),
    first.refs.filter((r: any) => r.pose !== 'front').map((r: any) => path(r.url)),
  );
  assert.equal((await api.get('/v1/balance')).body.credits, 20 - 4 - 1);
  const listed = await api.get('/v1/characters?status=ready');
  assert.deepEqual(listed.body.data.map((c: any) => c.id), [id]);
  assert.equal((await api.delete(`/v1/characters/${id}`)).status, 200);
});

test('an idempotent Update retried after continue-as-new runs once (the dedupe travels with the state)', async () => {
  const { teamId, api } = await stack.team(10);
  const created = await api.post('/v1/characters', { name: 'Retried', generate: true });
  const id = created.body.id;
  await api.settled(id);
  const handle = stack.env.client.workflow.getHandle(id);
  const updateId = 'idem_01TESTRETRYAFTERCAN0000000';
  const input = { teamId, requestId: 'req_test', pose: 'side' as const };
  await handle.executeUpdate(regenerateRef, { args: [input], updateId });
  await api.settled(id);
  const runBefore = (await handle.describe()).runId;
  for (let i = 0; i < 20 && (await handle.describe()).runId === runBefore; i++) await api.patch(`/v1/characters/${id}`, { name: `n${i}` });
  assert.notEqual((await handle.describe()).runId, runBefore, 'the workflow continued-as-new');
  const again = await handle.executeUpdate(regenerateRef, { args: [input], updateId });
  assert.equal(again.status, 'reviewing', 'nothing started again');
  assert.equal((await api.get('/v1/balance')).body.credits, 10 - 4 - 1);
});
