/** Image generations over HTTP, end to end: a ready character anchors them, pinned; credits exactly right. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { ApiClient } from '../support/http.js';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { useStack } from '../support/stack.js';

const backend = new ScriptedBackend();
const stack = useStack({ backend });

const credits = async (api: ApiClient) => (await api.get('/v1/balance')).body.credits;

async function readyCharacter(api: ApiClient, hair = 'red'): Promise<string> {
  const created = await api.post('/v1/characters', { name: 'Model', generate: true, attributes: { hair_color: hair } });
  assert.equal(created.status, 201, created.text);
  await api.settled(created.body.id);
  assert.equal((await api.post(`/v1/characters/${created.body.id}/save`)).status, 200);
  return created.body.id;
}

async function outputs(image: any): Promise<Buffer[]> {
  return Promise.all(image.output_urls.map(async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer())));
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('a generation with a character', () => {
  test('succeeds with count outputs of the requested size, charged per output; the same seed gives the same bytes', async () => {
    const { api } = await stack.team(30);
    const character = await readyCharacter(api);
    const body = { prompt: 'on a beach at sunset', character_id: character, size: '2k_16_9', count: 2, seed: 42 };
    const created = await api.post('/v1/images', body);
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.id, /^img_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(created.body.object, 'inference');
    assert.equal(created.body.inference_type, 'i2i');
    assert.ok(['pending', 'processing'].includes(created.body.status));
    assert.deepEqual(created.body.output_urls, []);
    assert.equal(await credits(api), 30 - 4 - 2, 'debited at submission');

    const done = await api.imageSettled(created.body.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.equal(done.width, 2048);
    assert.equal(done.height, 1152);
    assert.equal(done.size_preset, '2k_16_9');
    assert.deepEqual(done.cost, { amount: 2, currency: 'credit' });
    assert.equal(typeof done.duration_ms, 'number');
    const bytes = await outputs(done);
    assert.equal(bytes.length, 2);
    for (const png of bytes) assert.deepEqual(await sharp(png).metadata().then((m) => [m.format, m.width, m.height]), ['png', 2048, 1152]);
    assert.notEqual(sha(bytes[0]!), sha(bytes[1]!), 'each output has its own seed');

    const again = await api.imageSettled((await api.post('/v1/images', body)).body.id);
    assert.deepEqual((await outputs(again)).map(sha), bytes.map(sha), 'same inputs and seed, same bytes');
  });

  test('pinning: a later regenerate leaves an earlier generation byte-identical; a new one with the same seed differs', async () => {
    const { api } = await stack.team(30);
    const character = await readyCharacter(api, 'black');
    const body = { prompt: 'in a forest', character_id: character, seed: 7 };
    const first = await api.imageSettled((await api.post('/v1/images', body)).body.id);
    const before = (await outputs(first)).map(sha);

    await api.patch(`/v1/characters/${character}`, { attributes: { hair_color: 'blonde' } });
    assert.equal((await api.post(`/v1/characters/${character}/resynthesize`, {})).status, 200);
    assert.equal((await api.settled(character)).status, 'ready');

    const reread = await api.get(`/v1/images/${first.id}`);
    assert.deepEqual((await outputs(reread.body)).map(sha), before, 'the earlier outputs are unchanged');
    const second = await api.imageSettled((await api.post('/v1/images', body)).body.id);
    assert.notDeepEqual((await outputs(second)).map(sha), before, 'the new refs give a new picture');

    const events = (await api.get(`/v1/characters/${character}/events?limit=100`)).body.data;
    const uses = events.filter((e: any) => e.type === 'character.used_in_image').map((e: any) => e.data.image_id);
    assert.deepEqual(uses, [first.id, second.id], 'the audit trail names the generations that used it');
  });

  test('a character that is not ready is 400 character_not_ready; another team’s or an unknown one is 404 on character_id', async () => {
    const { api } = await stack.team(30);
    const created = await api.post('/v1/characters', { name: 'Draft', generate: true });
    await api.settled(created.body.id);
    const reviewing = await api.post('/v1/images', { prompt: 'x', character_id: created.body.id });
    assert.equal(reviewing.status, 400, reviewing.text);
    assert.equal(reviewing.body.error.code, 'character_not_ready');
    assert.equal(reviewing.body.error.param, 'character_id');

    const softDeleted = await readyCharacter(api);
    await api.delete(`/v1/characters/${softDeleted}`);
    const refused = await api.post('/v1/images', { prompt: 'x', character_id: softDeleted });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.error.code, 'character_not_ready');

    const other = await stack.team(30);
    const foreign = await readyCharacter(other.api);
    for (const id of [foreign, 'char_01HXMQ7Z3K8Y2NABCDEFGHJKMR', 'nope']) {
      const answer = await api.post('/v1/images', { prompt: 'x', character_id: id });
      assert.equal(answer.status, 404, answer.text);
      assert.equal(answer.body.error.param, 'character_id');
      const estimate = await api.post('/v1/images/estimate', { prompt: 'x', character_id: id });
      assert.equal(estimate.status, 404, estimate.text);
    }
    assert.equal(await credits(api), 30 - 4 - 4, 'nothing refused was charged');
  });
});

describe('credits', () => {
  test('cancel during processing refunds exactly the undelivered outputs', async () => {
    const { api } = await stack.team(20);
    const created = await api.post('/v1/images', { prompt: 'a city hold:seed-102 hold:seed-103', count: 4, seed: 100 });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && backend.imageRequests.filter((r) => r.prompt === 'a city hold:seed-102 hold:seed-103').length < 4) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const cancelled = await api.post(`/v1/images/${id}/cancel`);
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal(cancelled.body.output_urls.length, 2, 'the two delivered outputs stay');
    assert.deepEqual(cancelled.body.cost, { amount: 2, currency: 'credit' });
    assert.equal(await credits(api), 20 - 2);
    const again = await api.post(`/v1/images/${id}/cancel`);
    assert.equal(again.status, 200, 'cancelling a cancelled generation answers it unchanged');
    assert.equal(again.body.status, 'cancelled');
  });

  test('cancel right after submission refunds every output', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/images', { prompt: 'hold:seed-1', count: 3, seed: 1 });
    const cancelled = await api.post(`/v1/images/${created.body.id}/cancel`);
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.deepEqual(cancelled.body.cost, { amount: 0, currency: 'credit' });
    assert.equal(await credits(api), 10);
  });

  test('a failing backend: failed, error_message, and a refund of the failed outputs', async () => {
    const { api } = await stack.team(10);
    const created = await api.post('/v1/images', { prompt: 'fail:seed-6 a dog', count: 2, seed: 5, size: '4k_1_1' });
    const done = await api.imageSettled(created.body.id);
    assert.equal(done.status, 'failed');
    assert.match(done.error_message, /output 2 \(the model refused output seed 6\)/);
    assert.deepEqual(done.cost, { amount: 2, currency: 'credit' }, '4k: 2 per output, one refunded');
    assert.equal(await credits(api), 10 - 2);
    const notCancellable = await api.post(`/v1/images/${done.id}/cancel`);
    assert.equal(notCancellable.status, 400);
    assert.equal(notCancellable.body.error.code, 'generation_not_cancellable');
  });

  test('an idempotent retry replays and charges once; 402 changes nothing', async () => {
    const { api } = await stack.team(3);
    const body = { prompt: 'a castle', count: 2 };
    const first = await api.post('/v1/images', body, { 'Idempotency-Key': 'img-1' });
    const second = await api.post('/v1/images', body, { 'Idempotency-Key': 'img-1' });
    assert.equal(first.status, 201);
    assert.equal(second.text, first.text);
    assert.equal(second.headers.get('aurous-idempotent-replayed'), 'true');
    assert.equal(await credits(api), 1);
    const poor = await api.post('/v1/images', body);
    assert.equal(poor.status, 402, poor.text);
    assert.equal(poor.body.error.code, 'insufficient_credits');
    assert.equal(await credits(api), 1);
    const list = await api.get('/v1/images');
    assert.equal(list.body.data.length, 1, 'the refused submission is not listed');
  });

  test('the estimate equals what is charged, for every body tried', async () => {
    const bodies = [{}, { count: 3 }, { size: '4k_16_9', count: 2 }, { width: 2048, height: 2080 }, { width: 1030, height: 1030, count: 4 }, { size: '2k_21_9' }];
    const { api } = await stack.team(100);
    for (const extra of bodies) {
      const body = { prompt: 'a hill', ...extra };
      const estimate = await api.post('/v1/images/estimate', body);
      assert.equal(estimate.status, 200, estimate.text);
      const before = await credits(api);
      const created = await api.post('/v1/images', body);
      assert.equal(created.status, 201, created.text);
      assert.equal(before - (await credits(api)), estimate.body.estimated_cost.amount, JSON.stringify(extra));
      assert.equal(created.body.cost.amount, estimate.body.estimated_cost.amount);
    }
  });

  test('GET /v1/pricing serves the rate card', async () => {
    const { api } = await stack.team(1);
    const pricing = await api.get('/v1/pricing');
    assert.deepEqual(pricing.body, { object: 'pricing', aurous_version: '2026-05-15', character: { synthesize: 4, resynthesize: 4, regenerate: 1 }, image: { '2k': 1, '4k': 2 } });
  });
});

describe('validation and lists', () => {
  test('size rules: one of width/height is parameter_missing, size with sides is a bad combination, sides snap to 32', async () => {
    const { api } = await stack.team(10);
    const missing = await api.post('/v1/images/estimate', { prompt: 'x', width: 2048 });
    assert.equal(missing.status, 400);
    assert.deepEqual([missing.body.error.code, missing.body.error.param], ['parameter_missing', 'height']);
    const both = await api.post('/v1/images/estimate', { prompt: 'x', size: '2k_1_1', width: 2048, height: 2048 });
    assert.equal(both.body.error.code, 'parameter_invalid_combination');
    for (const [body, param] of [[{ prompt: '   ' }, 'prompt'], [{ prompt: 'x', count: 5 }, 'count'], [{ prompt: 'x', size: '8k_1_1' }, 'size'], [{ prompt: 'x', width: 512, height: 2048 }, 'width'], [{ prompt: 'x', seed: -1 }, 'seed'], [{ prompt: 'x', webhook_url: 'http://example.com/hook' }, 'webhook_url']] as const) {
      const answer = await api.post('/v1/images', body);
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`);
      assert.equal(answer.body.error.param, param);
    }
    const unknown = await api.post('/v1/images', { prompt: 'x', style: 'anime' });
    assert.equal(unknown.body.error.code, 'parameter_unknown');
    const snapped = await api.imageSettled((await api.post('/v1/images', { prompt: 'x', width: 1030, height: 1100 })).body.id);
    assert.deepEqual([snapped.width, snapped.height, snapped.size_preset, snapped.inference_type], [1024, 1088, null, 't2i']);
    assert.equal(typeof snapped.seed, 'number', 'a seed is chosen and reported');
  });

  test('the list pages newest first, filters by status and character; another team sees none of it', async () => {
    const { api } = await stack.team(40);
    const character = await readyCharacter(api);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api.post('/v1/images', { prompt: `n${i}`, character_id: character })).body.id);
    ids.push((await api.post('/v1/images', { prompt: 'fail:image' })).body.id);
    for (const id of ids) await api.imageSettled(id);
    const newest = [...ids].reverse();
    const page1 = await api.get('/v1/images?limit=2');
    assert.deepEqual(page1.body.data.map((i: any) => i.id), newest.slice(0, 2));
    assert.equal(page1.body.has_more, true);
    const page2 = await api.get(`/v1/images?limit=2&starting_after=${page1.body.next_cursor}`);
    assert.deepEqual(page2.body.data.map((i: any) => i.id), newest.slice(2, 4));
    assert.equal(page2.body.has_more, false);
    const withCharacter = await api.get(`/v1/images?character_id=${character}`);
    assert.deepEqual(withCharacter.body.data.map((i: any) => i.id), newest.slice(1));
    const failed = await api.get('/v1/images?status=failed');
    assert.deepEqual(failed.body.data.map((i: any) => i.id), [ids[3]]);
    const other = await stack.team(1);
    assert.equal((await other.api.get(`/v1/images/${ids[0]}`)).status, 404);
    assert.deepEqual((await other.api.get('/v1/images')).body.data, []);
    assert.equal((await other.api.post(`/v1/images/${ids[0]}/cancel`)).status, 404);
  });
});
