/** Idempotency-Key: replays, conflicts, concurrent twins, and a crashed API process. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiClient } from '../support/http.js';
import { spawnApi } from '../support/processes.js';
import { useStack } from '../support/stack.js';

const stack = useStack();

const credits = async (api: ApiClient) => (await api.get('/v1/balance')).body.credits;
const key = () => `key-${Math.random().toString(36).slice(2)}`;
const create = { name: 'Once', generate: true, attributes: { hair_color: 'black', eye_color: 'blue' } };

async function characterCount(api: ApiClient): Promise<number> {
  await new Promise((r) => setTimeout(r, 300));
  return (await api.get('/v1/characters?limit=100')).body.data.length;
}

describe('replay', () => {
  test('a retried create replays the original 201 byte for byte, creates one character and charges once', async () => {
    const { api } = await stack.team(10);
    const k = key();
    const first = await api.post('/v1/characters', create, { 'Idempotency-Key': k });
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('aurous-idempotent-replayed'), null);
    await api.settled(first.body.id);
    const again = await api.post('/v1/characters', create, { 'Idempotency-Key': k });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('aurous-idempotent-replayed'), 'true');
    assert.equal(again.text, first.text, 'the body as it was then, not the state now');
    assert.equal(again.body.status, 'synthesizing');
    assert.equal(await credits(api), 6);
    assert.equal(await characterCount(api), 1);
  });

  test('the canonical JSON body decides: the same fields in another order replay', async () => {
    const { api } = await stack.team(10);
    const k = key();
    const first = await api.post('/v1/characters', { name: 'A', generate: true, attributes: { age: 3, gender: 'x' } }, { 'Idempotency-Key': k });
    const again = await api.request('POST', '/v1/characters', '{"attributes":{"gender":"x","age":3},"generate":true,"name":"A"}', {
      'Idempotency-Key': k,
      'Content-Type': 'application/json',
    });
    assert.equal(again.headers.get('aurous-idempotent-replayed'), 'true');
    assert.equal(again.text, first.text);
  });

  test('a retried regenerate replays and charges one credit in all', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/characters', create);
    const character = await api.settled(created.body.id);
    const k = key();
    const first = await api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'front' }, { 'Idempotency-Key': k });
    assert.equal(first.status, 200);
    await api.settled(character.id);
    const again = await api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'front' }, { 'Idempotency-Key': k });
    assert.equal(again.status, 200);
    assert.equal(again.text, first.text);
    assert.equal((await api.get(`/v1/characters/${character.id}`)).body.status, 'reviewing', 'nothing ran again');
    assert.equal(await credits(api), 5);
  });

  test('without a key every call is processed anew', async () => {
    const { api } = await stack.team(10);
    await api.post('/v1/characters', create);
    await api.post('/v1/characters', create);
    assert.equal(await credits(api), 2);
  });

  test('keys are scoped to the team: another team’s same key is a different request', async () => {
    const a = await stack.team(10);
    const b = await stack.team(10);
    const k = key();
    const fromA = await a.api.post('/v1/characters', create, { 'Idempotency-Key': k });
    const fromB = await b.api.post('/v1/characters', create, { 'Idempotency-Key': k });
    assert.equal(fromB.headers.get('aurous-idempotent-replayed'), null);
    assert.notEqual(fromA.body.id, fromB.body.id);
  });
});

describe('conflicts', () => {
  test('the same key with another body is 409 idempotency_key_in_use, and nothing runs', async () => {
    const { api } = await stack.team(10);
    const k = key();
    await api.post('/v1/characters', create, { 'Idempotency-Key': k });
    const other = await api.post('/v1/characters', { ...create, name: 'Twice' }, { 'Idempotency-Key': k });
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'idempotency_key_in_use');
    assert.equal(other.body.error.param, 'Idempotency-Key');
    assert.equal(await credits(api), 6);
  });

  test('the same key on another route is 409', async () => {
    const { api } = await stack.team(10);
    const k = key();
    const created = await api.post('/v1/characters', create, { 'Idempotency-Key': k });
    await api.settled(created.body.id);
    const save = await api.post(`/v1/characters/${created.body.id}/save`, undefined, { 'Idempotency-Key': k });
    assert.equal(save.status, 409);
    assert.equal((await api.get(`/v1/characters/${created.body.id}`)).body.status, 'reviewing');
  });

  test('a malformed key is 400 naming Idempotency-Key', async () => {
    const { api } = await stack.team(10);
    for (const bad of ['x'.repeat(257), 'tab\tkey', 'é']) {
      const answer = await api.post('/v1/characters', create, { 'Idempotency-Key': bad });
      assert.equal(answer.status, 400, bad);
      assert.equal(answer.body.error.param, 'Idempotency-Key');
    }
    assert.equal(await credits(api), 10);
  });
});

describe('4xx outcomes are not stored', () => {
  test('a 402 retried with the same key after a top-up succeeds', async () => {
    const { teamId, api } = await stack.team(2);
    const k = key();
    const refused = await api.post('/v1/characters', create, { 'Idempotency-Key': k });
    assert.equal(refused.status, 402);
    await stack.tenancy.grant(teamId, 10);
    const retried = await api.post('/v1/characters', create, { 'Idempotency-Key': k });
    assert.equal(retried.status, 201, retried.text);
    assert.equal(retried.headers.get('aurous-idempotent-replayed'), null);
    assert.equal(await credits(api), 8);
    assert.equal(await characterCount(api), 1);
  });

  test('after a validation 400, the key accepts a corrected body', async () => {
    const { api } = await stack.team(10);
    const k = key();
    assert.equal((await api.post('/v1/characters', { name: '', generate: true }, { 'Idempotency-Key': k })).status, 400);
    assert.equal((await api.post('/v1/characters', create, { 'Idempotency-Key': k })).status, 201);
  });
});

describe('concurrency and crashes', () => {
  test('10 concurrent duplicates with one key execute once: one character, one charge, one body', async () => {
    const { api } = await stack.team(10);
    const k = key();
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.post('/v1/characters', create, { 'Idempotency-Key': k })));
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(10).fill(201),
    );
    assert.equal(new Set(answers.map((a) => a.text)).size, 1);
    assert.equal(answers.filter((a) => a.headers.get('aurous-idempotent-replayed') === 'true').length, 9);
    assert.equal(await credits(api), 6);
    assert.equal(await characterCount(api), 1);
  });

  test('an API process killed right after sending the Update, retried on a second process: one effect, one charge', async () => {
    const { apiKey, api } = await stack.team(10);
    const created = await api.post('/v1/characters', create);
    const character = await api.settled(created.body.id);
    const dying = await spawnApi(stack, { entry: 'test/support/api-dies-after-update.ts' });
    const survivor = await spawnApi(stack);
    try {
      const k = key();
      await assert.rejects(dying.client(apiKey).post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'side' }, { 'Idempotency-Key': k }));
      assert.equal(await dying.exited, null, 'killed by SIGKILL');
      const retried = await survivor.client(apiKey).post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'side' }, { 'Idempotency-Key': k });
      assert.equal(retried.status, 200, retried.text);
      const done = await api.settled(character.id);
      assert.equal(done.status, 'reviewing');
      assert.equal(await credits(api), 5, 'one regenerate charged');
      const history = await stack.env.client.workflow.getHandle(character.id).fetchHistory();
      const accepted = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'regenerateRef');
      assert.equal(accepted.length, 1, 'one regenerate ran');
      const again = await survivor.client(apiKey).post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'side' }, { 'Idempotency-Key': k });
      assert.equal(again.text, retried.text);
      assert.equal(again.headers.get('aurous-idempotent-replayed'), 'true');
    } finally {
      await Promise.all([dying.stop(), survivor.stop()]);
    }
  });

  test('a create whose API process died mid-request, retried elsewhere, makes one character', async () => {
    const { apiKey, api } = await stack.team(10);
    const dying = await spawnApi(stack, { entry: 'test/support/api-dies-after-update.ts' });
    const survivor = await spawnApi(stack);
    try {
      const k = key();
      await assert.rejects(dying.client(apiKey).post('/v1/characters', create, { 'Idempotency-Key': k }));
      const retried = await survivor.client(apiKey).post('/v1/characters', create, { 'Idempotency-Key': k });
      assert.equal(retried.status, 201, retried.text);
      await api.settled(retried.body.id);
      assert.equal(await credits(api), 6);
      assert.equal(await characterCount(api), 1);
    } finally {
      await Promise.all([dying.stop(), survivor.stop()]);
    }
  });
});
