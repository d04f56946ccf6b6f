/**
 * Reads never wait for a worker: with every worker stopped (SIGSTOP) or gone (SIGKILL), GET, the
 * list, the balance and the events answer as usual, a write answers 503 within 10 s, and once a
 * worker is back an idempotent retry converges on one outcome and one charge.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ApiClient } from '../support/http.js';
import { spawnWorker, type WorkerProcess } from '../support/processes.js';
import { beforeWithStack, useStack } from '../support/stack.js';

const stack = useStack({ worker: false });
let worker: WorkerProcess;
beforeWithStack(async () => {
  worker = await spawnWorker(stack);
});
after(() => worker?.stop());

async function reviewingCharacter(api: ApiClient): Promise<string> {
  const created = await api.post('/v1/characters', { name: 'Always readable', generate: true, attributes: { hair_color: 'black' } });
  assert.equal(created.status, 201, created.text);
  await api.settled(created.body.id);
  return created.body.id;
}

/** Every read route, each timed: all must answer 200, each within `budgetMs`. */
async function assertReadsAnswer(api: ApiClient, id: string, budgetMs: number): Promise<void> {
  for (const path of [`/v1/characters/${id}`, '/v1/characters', '/v1/balance', `/v1/characters/${id}/events`]) {
    const started = performance.now();
    const answer = await api.get(path);
    const ms = performance.now() - started;
    assert.equal(answer.status, 200, `${path}: ${answer.text}`);
    assert.ok(ms < budgetMs, `${path} took ${Math.round(ms)} ms with no worker`);
  }
}

async function regenerateAccepted(id: string): Promise<number> {
  const history = await stack.env.client.workflow.getHandle(id).fetchHistory();
  return history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'regenerateRef').length;
}

describe('with every worker stopped', () => {
  test('SIGSTOP: reads answer 200 at once, a write 503s within 10 s, and the retry after SIGCONT charges once', async () => {
    const { api } = await stack.team(10);
    const id = await reviewingCharacter(api);
    worker.child.kill('SIGSTOP');
    try {
      await assertReadsAnswer(api, id, 2000);
      const started = performance.now();
      const refused = await api.post(`/v1/characters/${id}/refs/regenerate`, { pose: 'side' }, { 'Idempotency-Key': 'stopped-1' });
      const ms = performance.now() - started;
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.error.code, 'backend_unavailable');
      assert.ok(ms < 10_000, `the write answered after ${Math.round(ms)} ms`);
      assert.equal((await api.get(`/v1/characters/${id}`)).body.status, 'reviewing', 'nothing changed while refused');
    } finally {
      worker.child.kill('SIGCONT');
    }
    const retried = await api.post(`/v1/characters/${id}/refs/regenerate`, { pose: 'side' }, { 'Idempotency-Key': 'stopped-1' });
    assert.equal(retried.status, 200, retried.text);
    assert.equal((await api.settled(id)).status, 'reviewing');
    assert.equal((await api.get('/v1/balance')).body.credits, 10 - 4 - 1, 'the regenerate is charged once');
    assert.equal(await regenerateAccepted(id), 1, 'one regenerate ran');
  });

  test('SIGKILL: reads answer, /readyz names the missing worker, and a new worker converges the retry', async () => {
    const { api } = await stack.team(10);
    const id = await reviewingCharacter(api);
    worker.child.kill('SIGKILL');
    await worker.exited;
    await assertReadsAnswer(api, id, 2000);
    const refused = await api.post(`/v1/characters/${id}/refs/regenerate`, { pose: 'front' }, { 'Idempotency-Key': 'killed-1' });
    assert.equal(refused.status, 503, refused.text);
    worker = await spawnWorker(stack);
    const retried = await api.post(`/v1/characters/${id}/refs/regenerate`, { pose: 'front' }, { 'Idempotency-Key': 'killed-1' });
    assert.equal(retried.status, 200, retried.text);
    await api.settled(id);
    assert.equal((await api.get('/v1/balance')).body.credits, 10 - 4 - 1);
    assert.equal(await regenerateAccepted(id), 1);
  });
});

describe('read your own write', () => {
  test('every write route: a GET right after the 2xx shows its effect', async () => {
    const { api } = await stack.team(20);
    const created = await api.post('/v1/characters', { name: 'Fresh', generate: true });
    assert.equal((await api.get(`/v1/characters/${created.body.id}`)).body.status, 'synthesizing', 'create');
    const id = created.body.id;
    await api.settled(id);

    const patched = await api.patch(`/v1/characters/${id}`, { name: 'Renamed', attributes: { eye_color: 'green' } });
    assert.equal(patched.status, 200, patched.text);
    const afterPatch = (await api.get(`/v1/characters/${id}`)).body;
    assert.equal(afterPatch.name, 'Renamed', 'patch');
    assert.deepEqual(afterPatch.attributes, { eye_color: 'green' });

    assert.equal((await api.post(`/v1/characters/${id}/save`)).status, 200);
    assert.equal((await api.get(`/v1/characters/${id}`)).body.status, 'ready', 'save');

    assert.equal((await api.post(`/v1/characters/${id}/refs/regenerate`, { pose: 'back' })).status, 200);
    assert.equal((await api.get(`/v1/characters/${id}`)).body.status, 'synthesizing', 'regenerate');
    assert.equal((await api.get('/v1/balance')).body.credits, 20 - 4 - 1, 'the debit is read at once');
    await api.settled(id);

    assert.equal((await api.post(`/v1/characters/${id}/resynthesize`, {})).status, 200);
    assert.equal((await api.get(`/v1/characters/${id}`)).body.status, 'synthesizing', 'resynthesize');
    await api.settled(id);

    assert.equal((await api.delete(`/v1/characters/${id}`)).status, 200);
    assert.equal((await api.get(`/v1/characters/${id}`)).status, 404, 'delete');
  });
});
