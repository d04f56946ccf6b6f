/** An image generation's audit trail, from its workflow history, through the operator CLI. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import type { ApiClient } from '../support/http.js';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { useStack } from '../support/stack.js';

const backend = new ScriptedBackend();
let api: ApiClient;
let character: string;
const stack = useStack({ backend }, async (started) => {
  api = (await started.team(30)).api;
  const created = await api.post('/v1/characters', { name: 'Witness', generate: true });
  await api.settled(created.body.id);
  assert.equal((await api.post(`/v1/characters/${created.body.id}/save`)).status, 200);
  character = created.body.id;
});

const run = promisify(execFile);

async function history(id: string): Promise<any[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'image', 'history', id], {
    env: { ...process.env, TEMPORAL_ADDRESS: stack.env.address, TEMPORAL_TASK_QUEUE: stack.taskQueue },
  });
  const printed = JSON.parse(stdout);
  assert.equal(printed.image_id, id);
  return printed.events;
}

test('image history tells a generation’s story: submitted, paid, each output with attempt and seed, refunded, finished', async () => {
  const prompt = 'a harbour flaky:image fail:seed-11';
  const created = await api.post('/v1/images', { prompt, character_id: character, count: 3, seed: 10 });
  assert.equal(created.status, 201, created.text);
  assert.equal((await api.imageSettled(created.body.id, 30_000)).status, 'failed');
  const requestId = created.headers.get('aurous-request-id');

  const events = await history(created.body.id);
  const types = events.map((e) => e.type);
  assert.deepEqual(types.slice(0, 2), ['credits.debited', 'image.submitted'], 'paid inside the submission');
  assert.deepEqual(events[0].data.amount, 3);
  assert.deepEqual(events[1].data, { prompt, character_id: character, count: 3, width: 2048, height: 2048, seed: 10 });
  assert.ok(events.every((e) => e.request_id === requestId), 'every event belongs to the submission');
  const rendered = events.filter((e) => e.type === 'image.output_rendered').map((e) => e.data);
  assert.deepEqual(rendered.sort((a, b) => a.index - b.index), [{ index: 0, attempt: 2, seed: 10 }, { index: 2, attempt: 2, seed: 12 }], 'a transient failure shows as the second attempt');
  const failed = events.find((e) => e.type === 'image.output_failed');
  assert.deepEqual(failed.data, { index: 1, attempt: 1, seed: 11, message: 'the model refused output seed 11' });
  assert.deepEqual(types.slice(-2), ['credits.refunded', 'image.finished']);
  assert.equal(events.at(-2).data.amount, 1);
  assert.deepEqual(events.at(-1).data, { status: 'failed', outputs_delivered: 2, cost: 2 });
  assert.ok(events.every((e, i) => i === 0 || e.created_at >= events[i - 1].created_at), 'in order');
});

test('image history of a cancelled generation: the cancel’s request id on the cancel and its refund', async () => {
  const prompt = 'a desert hold:seed-100 hold:seed-101';
  const created = await api.post('/v1/images', { prompt, count: 2, seed: 100 });
  assert.equal(created.status, 201, created.text);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && backend.imageRequests.filter((r) => r.prompt === prompt).length < 2) await new Promise((r) => setTimeout(r, 50));
  const cancelled = await api.post(`/v1/images/${created.body.id}/cancel`);
  assert.equal(cancelled.body.status, 'cancelled', cancelled.text);
  const cancelRequest = cancelled.headers.get('aurous-request-id');

  const events = await history(created.body.id);
  const types = events.map((e) => e.type);
  assert.deepEqual(types.slice(0, 3), ['credits.debited', 'image.submitted', 'image.cancelled']);
  assert.equal(events[2].request_id, cancelRequest);
  assert.deepEqual(types.slice(3, 5), ['image.output_cancelled', 'image.output_cancelled']);
  const refund = events.find((e) => e.type === 'credits.refunded');
  assert.deepEqual([refund.data.amount, refund.request_id], [2, cancelRequest], 'the cancel caused the refund');
  assert.deepEqual(events.at(-1).data, { status: 'cancelled', outputs_delivered: 0, cost: 0 });
});
