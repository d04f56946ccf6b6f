/**
 * Replay determinism: histories this suite produces, and the recorded ones committed under
 * test/histories/, replay against the current workflow code. A change that would break running
 * workflows fails here until it is guarded with `patched()`.
 * `RECORD_HISTORIES=<label> npm test -- test/workflow/replay.test.ts` records a new set beside the
 * committed ones as `<label>-NN.binpb` (binary protobuf `History`); recorded sets are never rewritten.
 */
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { useStack, workflowBundle } from '../support/stack.js';

const { History } = proto.temporal.api.history.v1;
const HISTORIES = fileURLToPath(new URL('../histories/', import.meta.url));
const stack = useStack({ backend: new ScriptedBackend(), dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 60 } });

/** Drives characters through every transition the workflows know, and returns their workflow ids. */
async function produceHistories(): Promise<string[]> {
  const { teamId, api } = await stack.team(100);
  const full = (await api.post('/v1/characters', { name: 'Full life', generate: true, attributes: { hair_color: 'black' } }, { 'Idempotency-Key': 'replay-1' })).body.id;
  await api.settled(full);
  await api.post(`/v1/characters/${full}/refs/regenerate`, { pose: 'other', prompt_override: 'studio light' });
  await api.settled(full);
  await api.post(`/v1/characters/${full}/save`);
  await api.post(`/v1/characters/${full}/resynthesize`, {}, { 'Idempotency-Key': 'replay-2' });
  await api.settled(full);
  for (let i = 0; i < 12; i++) await api.patch(`/v1/characters/${full}`, { name: `Renamed ${i}` });
  await api.delete(`/v1/characters/${full}`);

  const failing = (await api.post('/v1/characters', { name: 'Fails', generate: true, attributes: { additional_details: 'fail:side flaky:front' } })).body.id;
  await api.settled(failing);
  const cancelled = (await api.post('/v1/characters', { name: 'Cancelled', generate: true, attributes: { additional_details: 'slow:3000' } })).body.id;
  await api.delete(`/v1/characters/${cancelled}`);
  const poor = await stack.team(1);
  const rejected = await poor.api.post('/v1/characters', { name: 'Unpaid', generate: true });
  assert.equal(rejected.status, 402);

  // Image generations: with a pinned character, a failing output refunded, a cancelled one.
  const model = (await api.post('/v1/characters', { name: 'Model', generate: true })).body.id;
  await api.settled(model);
  await api.post(`/v1/characters/${model}/save`);
  const pinned = (await api.post('/v1/images', { prompt: 'a beach', character_id: model, count: 2, seed: 1 }, { 'Idempotency-Key': 'replay-3' })).body.id;
  const partial = (await api.post('/v1/images', { prompt: 'fail:seed-11', count: 2, seed: 10 })).body.id;
  const stopped = (await api.post('/v1/images', { prompt: 'hold:seed-20', seed: 20 })).body.id;
  for (const id of [pinned, partial]) await api.imageSettled(id);
  assert.equal((await api.post(`/v1/images/${stopped}/cancel`)).status, 200);
  // The team workflow's own history (grants, debits, refunds) replays too.
  return [full, failing, cancelled, model, pinned, partial, stopped, teamId];
}

async function replay(histories: { workflowId: string; history: unknown }[]): Promise<void> {
  const bundle = await workflowBundle();
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    assert.equal(result.error, undefined, `${result.workflowId}: ${result.error?.message}`);
  }
}

test('histories produced by this run replay against the current code', async () => {
  const ids = await produceHistories();
  const histories = [];
  for (const workflowId of ids) {
    for await (const run of stack.env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await stack.env.client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      histories.push({ workflowId: `${workflowId}/${run.runId}`, history });
    }
  }
  assert.ok(histories.length > ids.length, 'a continue-as-new run is among them');
  await replay(histories);
  if (process.env.RECORD_HISTORIES) {
    for (const [i, { history }] of histories.entries()) {
      const file = join(HISTORIES, `${process.env.RECORD_HISTORIES}-${String(i).padStart(2, '0')}.binpb`);
      await writeFile(file, History.encode(history as proto.temporal.api.history.v1.IHistory).finish(), { flag: 'wx' });
    }
  }
});

test('the committed histories replay against the current code', async () => {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.binpb'));
  assert.ok(files.length >= 4, 'recorded histories are committed');
  await replay(await Promise.all(files.map(async (f) => ({ workflowId: f, history: History.decode(await readFile(join(HISTORIES, f))) }))));
});
