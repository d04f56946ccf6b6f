/** The character lifecycle end to end: HTTP → API → Temporal → worker → blob store, and back. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { ApiClient } from '../support/http.js';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { useStack } from '../support/stack.js';

const backend = new ScriptedBackend();
const stack = useStack({ backend });

const body = (attributes: Record<string, unknown> = { hair_color: 'black', eye_color: 'brown' }) => ({
  name: 'Aurora the Adventurer',
  generate: true,
  attributes,
  client_reference_id: 'bot_8472',
});

async function reviewing(api: ApiClient, attributes?: Record<string, unknown>) {
  const created = await api.post('/v1/characters', body(attributes));
  assert.equal(created.status, 201, created.text);
  const character = await api.settled(created.body.id);
  assert.equal(character.status, 'reviewing', JSON.stringify(character));
  return character;
}

async function imageHashes(character: any): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const ref of character.refs) {
    const response = await fetch(ref.url);
    assert.equal(response.status, 200);
    hashes[ref.pose] = createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex');
  }
  return hashes;
}

const credits = async (api: ApiClient) => (await api.get('/v1/balance')).body.credits;

describe('create (synthesize flow)', () => {
  test('answers 201 synthesizing, then reaches reviewing with the four poses in synthesis order', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/characters', body());
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^char_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(created.body.object, 'character');
    assert.equal(created.body.status, 'synthesizing');
    assert.equal(created.body.client_reference_id, 'bot_8472');
    assert.equal(created.body.aurous_version, '2026-05-15');
    assert.equal(created.body.error_message, null);
    assert.match(created.headers.get('aurous-request-id')!, /^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    const done = await api.settled(created.body.id);
    assert.equal(done.status, 'reviewing');
    assert.deepEqual(
      done.refs.map((r: any) => r.pose),
      ['portrait', 'front', 'side', 'back'],
    );
    assert.equal(await credits(api), 6);
  });

  test('the four poses are generated in parallel, from prompts derived from the attributes', async () => {
    const { api } = await stack.team(10);
    const before = backend.requests.length;
    const character = await reviewing(api, { hair_color: 'silver', eye_color: 'green', additional_details: 'slow:1000' });
    const mine = backend.requests.slice(before).filter((r) => r.attributes?.hair_color === 'silver');
    assert.equal(mine.length, 4);
    assert.ok(mine.every((r) => /silver hair/.test(r.prompt) && /green eyes/.test(r.prompt)));
    // Sequential generation would take at least 4 × 1000 ms; parallel about 1000 ms.
    const elapsed = Date.parse(character.updated_at) - Date.parse(character.created_at);
    assert.ok(elapsed < 3000, `create to reviewing took ${elapsed} ms`);
  });

  test('images are real PNGs served by signed URL with their content type and cache headers', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    const response = await fetch(character.refs[0].url);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.match(response.headers.get('cache-control')!, /max-age=\d+/);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  });

  test('with fewer credits than 4 it is 402 and nothing is created or charged', async () => {
    const { api } = await stack.team(3);
    const refused = await api.post('/v1/characters', body());
    assert.equal(refused.status, 402);
    assert.equal(refused.body.error.code, 'insufficient_credits');
    assert.equal(refused.body.error.type, 'invalid_request_error');
    assert.equal(refused.headers.get('aurous-request-id'), refused.body.error.request_id);
    assert.equal(await credits(api), 3);
    await new Promise((r) => setTimeout(r, 300));
    const list = await api.get('/v1/characters');
    assert.deepEqual(list.body.data, []);
  });
});

describe('save', () => {
  test('moves reviewing to ready; saving a ready character again is 200 and unchanged', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    const saved = await api.post(`/v1/characters/${character.id}/save`);
    assert.equal(saved.status, 200);
    assert.equal(saved.body.status, 'ready');
    const again = await api.post(`/v1/characters/${character.id}/save`);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'ready');
    assert.equal(again.body.updated_at, saved.body.updated_at);
    assert.equal(await credits(api), 6);
  });

  test('is 400 invalid_state while synthesizing', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/characters', body({ additional_details: 'slow:1500' }));
    const refused = await api.post(`/v1/characters/${created.body.id}/save`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'invalid_state');
    assert.match(refused.body.error.message, /synthesizing/);
  });

  test('purges the images a regenerate replaced, and keeps the final refs', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    const oldFront = character.refs.find((r: any) => r.pose === 'front').url;
    await api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'front' });
    await api.settled(character.id);
    assert.equal((await fetch(oldFront)).status, 200, 'a replaced image stays until save');
    const saved = await api.post(`/v1/characters/${character.id}/save`);
    assert.equal((await fetch(oldFront)).status, 404);
    for (const ref of saved.body.refs) assert.equal((await fetch(ref.url)).status, 200);
  });
});

describe('regenerate one pose', () => {
  test('from reviewing: synthesizing, then reviewing; only that pose changes, byte for byte; costs 1', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    const before = await imageHashes(character);
    const started = await api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'side' });
    assert.equal(started.status, 200);
    assert.equal(started.body.status, 'synthesizing');
    const done = await api.settled(character.id);
    assert.equal(done.status, 'reviewing');
    const after = await imageHashes(done);
    assert.notEqual(after.side, before.side, 'a regenerate uses a new seed');
    for (const pose of ['portrait', 'front', 'back']) assert.equal(after[pose], before[pose], `${pose} kept its bytes`);
    assert.equal(await credits(api), 5);
  });

  test('from ready lands back in ready and charges 1 credit', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    await api.post(`/v1/characters/${character.id}/save`);
    const started = await api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'portrait' });
    assert.equal(started.body.status, 'synthesizing');
    const done = await api.settled(character.id);
    assert.equal(done.status, 'ready');
    assert.equal(await credits(api), 5);
  });

  test('of a pose the character lacks (other) adds it after the four', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    await api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'other' });
    const done = await api.settled(character.id);
    assert.deepEqual(
      done.refs.map((r: any) => r.pose),
      ['portrait', 'front', 'side', 'back', 'other'],
    );
  });

  test('honours prompt_override for that one generation', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api, { hair_color: 'teal' });
    await api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'back', prompt_override: 'soft studio lighting' });
    await api.settled(character.id);
    const mine = backend.requests.filter((r) => r.attributes?.hair_color === 'teal');
    const regenerated = mine.at(-1)!;
    assert.equal(regenerated.pose, 'back');
    assert.match(regenerated.prompt, /soft studio lighting/);
    assert.ok(mine.slice(0, 4).every((r) => !/soft studio lighting/.test(r.prompt)));
  });

  test('an unknown pose is 400 parameter_invalid with param pose, and charges nothing', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    const refused = await api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'diagonal' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'parameter_invalid');
    assert.equal(refused.body.error.param, 'pose');
    assert.equal(await credits(api), 6);
  });

  test('is 400 invalid_state while synthesizing, and charges nothing', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/characters', body({ additional_details: 'slow:1500' }));
    const refused = await api.post(`/v1/characters/${created.body.id}/refs/regenerate`, { pose: 'front' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'invalid_state');
    assert.equal(await credits(api), 6);
  });

  test('with no credits left is 402 and changes nothing', async () => {
    const { api } = await stack.team(4);
    const character = await reviewing(api);
    const refused = await api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'front' });
    assert.equal(refused.status, 402);
    assert.equal(refused.body.error.code, 'insufficient_credits');
    const now = await api.get(`/v1/characters/${character.id}`);
    assert.equal(now.body.status, 'reviewing');
    assert.deepEqual(now.body.refs.map((r: any) => r.pose), character.refs.map((r: any) => r.pose));
    assert.equal(now.body.updated_at, character.updated_at);
  });

  test('racing regenerates on one character: exactly one wins, the others get invalid_state, one credit moves', async () => {
    const { api } = await stack.team(20);
    // Slow generations: the winner is still synthesizing when the others are served, however loaded the machine.
    const character = await reviewing(api, { additional_details: 'slow:2000' });
    const answers = await Promise.all(
      ['portrait', 'front', 'side', 'back', 'other', 'front'].map((pose) => api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose })),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 400, 400, 400, 400, 400]);
    assert.ok(answers.filter((a) => a.status === 400).every((a) => a.body.error.code === 'invalid_state'));
    await api.settled(character.id);
    assert.equal(await credits(api), 15);
  });
});

describe('resynthesize', () => {
  test('regenerates all four poses from the stored attributes and costs 4; ready stays ready', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    await api.post(`/v1/characters/${character.id}/save`);
    const before = await imageHashes(character);
    const started = await api.post(`/v1/characters/${character.id}/resynthesize`, { force_all: true });
    assert.equal(started.status, 200);
    assert.equal(started.body.status, 'synthesizing');
    const done = await api.settled(character.id);
    assert.equal(done.status, 'ready');
    const after = await imageHashes(done);
    for (const pose of ['portrait', 'front', 'side', 'back']) assert.notEqual(after[pose], before[pose]);
    assert.equal(await credits(api), 2);
  });

  test('uses attributes changed by PATCH', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api, { hair_color: 'red' });
    await api.patch(`/v1/characters/${character.id}`, { attributes: { hair_color: 'violet' } });
    const before = backend.requests.length;
    await api.post(`/v1/characters/${character.id}/resynthesize`);
    await api.settled(character.id);
    const prompts = backend.requests.slice(before).map((r) => r.prompt);
    assert.ok(prompts.some((p) => /violet hair/.test(p)));
  });

  test('is 400 invalid_state while synthesizing', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/characters', body({ additional_details: 'slow:1500' }));
    const refused = await api.post(`/v1/characters/${created.body.id}/resynthesize`, {});
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'invalid_state');
  });
});

describe('patch', () => {
  test('renames and replaces attributes whole (not merged), bumps updated_at, charges nothing', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api, { hair_color: 'black', eye_color: 'brown' });
    const patched = await api.patch(`/v1/characters/${character.id}`, { name: 'Aurora the Bold', attributes: { eye_color: 'blue' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.name, 'Aurora the Bold');
    assert.deepEqual(patched.body.attributes, { eye_color: 'blue' });
    assert.ok(patched.body.updated_at > character.updated_at);
    assert.equal(patched.body.status, 'reviewing');
    const renamed = await api.patch(`/v1/characters/${character.id}`, { name: 'Only the name' });
    assert.deepEqual(renamed.body.attributes, { eye_color: 'blue' }, 'omitted fields are kept');
    const cleared = await api.patch(`/v1/characters/${character.id}`, { attributes: null });
    assert.equal(cleared.body.attributes, null);
    assert.equal(await credits(api), 6);
  });

  test('rejects refs and status with param naming the first and a message listing every rejected key', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    const refused = await api.patch(`/v1/characters/${character.id}`, { name: 'x', refs: [], status: 'ready' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'parameter_unknown');
    assert.equal(refused.body.error.param, 'refs');
    assert.match(refused.body.error.message, /refs/);
    assert.match(refused.body.error.message, /status/);
    const unchanged = await api.get(`/v1/characters/${character.id}`);
    assert.equal(unchanged.body.name, character.name);
  });

  test('an unknown attribute is 400 naming attributes.<key>', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    const refused = await api.patch(`/v1/characters/${character.id}`, { attributes: { wings: 'yes' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.param, 'attributes.wings');
  });

  test('is allowed while synthesizing and never triggers inference', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/characters', body({ hair_color: 'mauve', additional_details: 'slow:800' }));
    const patched = await api.patch(`/v1/characters/${created.body.id}`, { name: 'Renamed mid-flight' });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.status, 'synthesizing');
    const done = await api.settled(created.body.id);
    assert.equal(done.name, 'Renamed mid-flight');
    assert.equal(backend.requests.filter((r) => r.attributes?.hair_color === 'mauve').length, 4, 'only the create generated');
  });
});

describe('delete', () => {
  test('a reviewing character is hard-deleted: 404 everywhere after, images purged, a second delete is 404', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    const deleted = await api.delete(`/v1/characters/${character.id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body, { id: character.id, object: 'character', deleted: true });
    for (const call of [
      api.get(`/v1/characters/${character.id}`),
      api.patch(`/v1/characters/${character.id}`, { name: 'x' }),
      api.post(`/v1/characters/${character.id}/save`),
      api.post(`/v1/characters/${character.id}/refs/regenerate`, { pose: 'front' }),
      api.post(`/v1/characters/${character.id}/resynthesize`),
      api.delete(`/v1/characters/${character.id}`),
    ]) {
      const answer = await call;
      assert.equal(answer.status, 404, answer.text);
      assert.equal(answer.body.error.code, 'resource_not_found');
    }
    assert.equal((await fetch(character.refs[0].url)).status, 404);
  });

  test('a ready character is soft-deleted: gone from the API, its images kept for audit', async () => {
    const { api } = await stack.team(10);
    const character = await reviewing(api);
    await api.post(`/v1/characters/${character.id}/save`);
    assert.equal((await api.delete(`/v1/characters/${character.id}`)).status, 200);
    assert.equal((await api.get(`/v1/characters/${character.id}`)).status, 404);
    assert.equal((await fetch(character.refs[0].url)).status, 200);
  });

  test('during synthesis cancels the running generations and refunds them', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/characters', body({ additional_details: 'slow:5000' }));
    assert.equal(await credits(api), 6);
    const started = Date.now();
    const deleted = await api.delete(`/v1/characters/${created.body.id}`);
    assert.equal(deleted.status, 200);
    assert.ok(Date.now() - started < 4000, 'the delete does not wait for the generations to finish');
    assert.equal(await credits(api), 10);
    assert.equal((await api.get(`/v1/characters/${created.body.id}`)).status, 404);
  });
});

describe('list', () => {
  test('newest first, paginated with a stable cursor, status filter, deleted never listed', async () => {
    const { api } = await stack.team(40);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.post('/v1/characters', body())).body.id);
    for (const id of ids) await api.settled(id);
    await api.post(`/v1/characters/${ids[1]}/save`);
    await api.delete(`/v1/characters/${ids[3]}`);
    const expected = [...ids].reverse().filter((id) => id !== ids[3]);

    // Visibility is eventually consistent; the contract allows 1 s.
    const deadline = Date.now() + 1000;
    let all: any;
    do {
      all = await api.get('/v1/characters?limit=10');
    } while (JSON.stringify(all.body.data.map((c: any) => c.id)) !== JSON.stringify(expected) && Date.now() < deadline);
    assert.deepEqual(all.body.data.map((c: any) => c.id), expected);
    const first = await api.get('/v1/characters?limit=2');
    assert.equal(first.status, 200);
    assert.equal(first.body.object, 'list');
    assert.deepEqual(first.body.data.map((c: any) => c.id), expected.slice(0, 2));
    assert.equal(first.body.has_more, true);
    assert.equal(first.body.next_cursor, expected[1]);

    const second = await api.get(`/v1/characters?limit=2&starting_after=${first.body.next_cursor}`);
    assert.deepEqual(second.body.data.map((c: any) => c.id), expected.slice(2, 4));
    assert.equal(second.body.has_more, false);
    assert.equal(second.body.next_cursor, null);

    const ready = await api.get('/v1/characters?status=ready');
    assert.deepEqual(ready.body.data.map((c: any) => c.id), [ids[1]]);
    assert.equal(ready.body.data[0].status, 'ready');
    assert.ok(ready.body.data[0].refs[0].url.includes('/v1/files/'));
  });

  test('a create and a delete show in the list within 1 s', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/characters', body());
    const appear = Date.now();
    while ((await api.get('/v1/characters')).body.data.length === 0) assert.ok(Date.now() - appear < 1000, 'create not listed within 1 s');
    await api.settled(created.body.id);
    await api.delete(`/v1/characters/${created.body.id}`);
    const vanish = Date.now();
    while ((await api.get('/v1/characters')).body.data.length !== 0) assert.ok(Date.now() - vanish < 1000, 'delete still listed after 1 s');
  });

  test('rejects a bad limit, an unknown parameter and a malformed cursor', async () => {
    const { api } = await stack.team(0);
    for (const [query, param, code] of [
      ['limit=0', 'limit', 'parameter_invalid'],
      ['limit=101', 'limit', 'parameter_invalid'],
      ['limit=abc', 'limit', 'parameter_invalid'],
      ['colour=red', 'colour', 'parameter_unknown'],
      ['starting_after=nope', 'starting_after', 'parameter_invalid'],
      ['status=deleted', 'status', 'parameter_invalid'],
    ]) {
      const refused = await api.get(`/v1/characters?${query}`);
      assert.equal(refused.status, 400, query);
      assert.equal(refused.body.error.code, code, query);
      assert.equal(refused.body.error.param, param, query);
    }
  });
});
