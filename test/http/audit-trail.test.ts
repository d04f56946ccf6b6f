/** The audit trail: domain events derived from the workflow history, the same through HTTP and the operator CLI. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { useStack } from '../support/stack.js';

const stack = useStack({ backend: new ScriptedBackend(), dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 50 } });

const run = promisify(execFile);

test('a full lifecycle reads as its story, in order, with request ids, across continue-as-new; the CLI agrees', async () => {
  const { api } = await stack.team(20);
  const created = await api.post('/v1/characters', { name: 'Storied', generate: true, attributes: { additional_details: 'fail:back' } });
  const id = created.body.id;
  await api.settled(id);
  await api.patch(`/v1/characters/${id}`, { attributes: { hair_color: 'red' } });
  const regenerated = await api.post(`/v1/characters/${id}/refs/regenerate`, { pose: 'back', prompt_override: 'from behind' });
  await api.settled(id);
  await api.post(`/v1/characters/${id}/save`);
  for (let i = 0; i < 10; i++) await api.patch(`/v1/characters/${id}`, { name: `Storied ${i}` });
  await api.post(`/v1/characters/${id}/resynthesize`);
  await api.settled(id);

  const events: any[] = [];
  let cursor = '';
  for (;;) {
    const page = await api.get(`/v1/characters/${id}/events?limit=7${cursor ? `&starting_after=${cursor}` : ''}`);
    assert.equal(page.status, 200, page.text);
    events.push(...page.body.data);
    if (!page.body.has_more) break;
    cursor = page.body.next_cursor;
  }
  const types = events.map((e) => e.type);
  assert.equal(types[0], 'credits.debited');
  assert.equal(types[1], 'character.created');
  assert.deepEqual(events[0].data, { amount: 4, balance_after: 16 });
  assert.equal(events[1].request_id, created.headers.get('aurous-request-id'));
  const firstSynthesis = events.slice(2, 6);
  assert.deepEqual(firstSynthesis.map((e) => e.type).sort(), ['character.pose_failed', 'character.pose_generated', 'character.pose_generated', 'character.pose_generated']);
  assert.deepEqual(events.find((e) => e.type === 'character.pose_failed').data.pose, 'back');
  const refund = events.find((e) => e.type === 'credits.refunded');
  assert.deepEqual({ amount: refund.data.amount, request: refund.request_id }, { amount: 1, request: created.headers.get('aurous-request-id') });
  assert.deepEqual(events.find((e) => e.type === 'character.updated').data, { fields: ['attributes'] });
  const regenerate = events.find((e) => e.type === 'character.ref_regenerated');
  assert.deepEqual(regenerate.data, { pose: 'back', prompt_override: 'from behind' });
  assert.equal(regenerate.request_id, regenerated.headers.get('aurous-request-id'));
  assert.equal(types.filter((t) => t === 'character.saved').length, 1);
  assert.equal(types.filter((t) => t === 'character.updated').length, 11);
  assert.equal(types.filter((t) => t === 'character.resynthesized').length, 1);
  assert.equal(types.filter((t) => t === 'character.pose_generated').length, 3 + 1 + 4);
  assert.equal(types.filter((t) => t === 'credits.debited').length, 3);
  assert.ok(events.every((e, i) => i === 0 || e.created_at >= events[i - 1].created_at), 'in order');
  assert.ok(new Set(events.map((e) => e.id.split('_')[1])).size > 1, 'the trail spans several runs');

  await api.delete(`/v1/characters/${id}`);
  assert.equal((await api.get(`/v1/characters/${id}/events`)).status, 404, 'gone from the API once deleted');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'character', 'history', id], {
    env: { ...process.env, TEMPORAL_ADDRESS: stack.env.address, TEMPORAL_TASK_QUEUE: stack.taskQueue },
  });
  const cli = JSON.parse(stdout);
  assert.deepEqual(cli.events.slice(0, events.length), events, 'the CLI tells the same story');
  assert.equal(cli.events.at(-1).type, 'character.deleted', 'and the deletion too');
});

test('another team cannot read a character’s events', async () => {
  const owner = await stack.team(10);
  const other = await stack.team(10);
  const created = await owner.api.post('/v1/characters', { name: 'Private', generate: true });
  assert.equal((await other.api.get(`/v1/characters/${created.body.id}/events`)).status, 404);
});
