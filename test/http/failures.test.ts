/** Generations that fail: retried when transient, refunded when final, recoverable by the client. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { useStack } from '../support/stack.js';

const backend = new ScriptedBackend();
const stack = useStack({ backend });

const credits = async (api: any) => (await api.get('/v1/balance')).body.credits;

test('a pose that finally fails: status failed, error_message names it, the other refs are kept, its credit refunded', async () => {
  const { api } = await stack.team(10);
  const created = await api.post('/v1/characters', { name: 'Doomed', generate: true, attributes: { additional_details: 'fail:side' } });
  const done = await api.settled(created.body.id);
  assert.equal(done.status, 'failed');
  assert.match(done.error_message, /side/);
  assert.match(done.error_message, /refused the side pose/);
  assert.deepEqual(
    done.refs.map((r: any) => r.pose),
    ['portrait', 'front', 'back'],
  );
  assert.equal(await credits(api), 10 - 3);
});

test('a transient failure is retried and the character still reaches reviewing, charged once', async () => {
  const { api } = await stack.team(10);
  const created = await api.post('/v1/characters', { name: 'Flaky', generate: true, attributes: { additional_details: 'flaky:front' } });
  const done = await api.settled(created.body.id, 15_000);
  assert.equal(done.status, 'reviewing');
  assert.equal(done.error_message, null);
  const attempts = backend.requests.filter((r) => r.attributes?.additional_details === 'flaky:front' && r.pose === 'front');
  assert.equal(attempts.length, 2, 'one failed attempt, one retry');
  assert.equal(await credits(api), 6);
});

test('from failed, a regenerate of the missing pose lands in reviewing and clears error_message', async () => {
  const { api } = await stack.team(10);
  const created = await api.post('/v1/characters', { name: 'Recovers', generate: true, attributes: { additional_details: 'fail:back' } });
  const failed = await api.settled(created.body.id);
  assert.equal(failed.status, 'failed');
  assert.equal((await api.post(`/v1/characters/${failed.id}/save`)).body.error.code, 'invalid_state');
  await api.patch(`/v1/characters/${failed.id}`, { attributes: { additional_details: 'fine now' } });
  const started = await api.post(`/v1/characters/${failed.id}/refs/regenerate`, { pose: 'back' });
  assert.equal(started.status, 200);
  assert.equal(started.body.error_message, null);
  const done = await api.settled(failed.id);
  assert.equal(done.status, 'reviewing');
  assert.deepEqual(
    done.refs.map((r: any) => r.pose),
    ['portrait', 'front', 'side', 'back'],
  );
  assert.equal(await credits(api), 10 - 3 - 1);
});

test('a regenerate that fails from ready lands in failed and refunds its credit', async () => {
  const { api } = await stack.team(10);
  const created = await api.post('/v1/characters', { name: 'Ready', generate: true, attributes: { hair_color: 'black' } });
  await api.settled(created.body.id);
  await api.post(`/v1/characters/${created.body.id}/save`);
  await api.patch(`/v1/characters/${created.body.id}`, { attributes: { additional_details: 'fail:front' } });
  await api.post(`/v1/characters/${created.body.id}/refs/regenerate`, { pose: 'front' });
  const done = await api.settled(created.body.id);
  assert.equal(done.status, 'failed');
  assert.equal(done.refs.length, 4, 'the previous front ref is kept');
  assert.equal(await credits(api), 6);
  const resynthesized = await api.post(`/v1/characters/${created.body.id}/resynthesize`);
  assert.equal(resynthesized.status, 200, 'failed allows resynthesize');
});
