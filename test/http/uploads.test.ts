/** Characters from the client's own images: init → signed PUT → classify → create with upload_ids. */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { renderPose } from '../../activities/inference/renderer.js';
import type { ApiClient } from '../support/http.js';
import { useStack } from '../support/stack.js';

// Short lifetimes so the tests can watch a URL and a ticket expire.
const URL_TTL_S = 6;
const TICKET_TTL_S = 12;
const stack = useStack({ uploadUrlTtlSeconds: URL_TTL_S, uploadTicketTtlSeconds: TICKET_TTL_S });

const TYPES = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' } as const;

async function init(api: ApiClient, extension: keyof typeof TYPES = 'png') {
  const answer = await api.post('/v1/characters/uploads/init', { filename: `mine.${extension}`, extension, content_type: TYPES[extension] });
  assert.equal(answer.status, 201, answer.text);
  return answer.body as { upload_id: string; upload_url: string; upload_headers: Record<string, string>; expires_at: string };
}

function put(url: string, bytes: Buffer, contentType?: string) {
  return fetch(url, { method: 'PUT', body: new Uint8Array(bytes), headers: contentType ? { 'Content-Type': contentType } : {} });
}

async function uploaded(api: ApiClient, bytes: Buffer, extension: keyof typeof TYPES = 'png'): Promise<string> {
  const ticket = await init(api, extension);
  const answer = await put(ticket.upload_url, bytes, TYPES[extension]);
  assert.equal(answer.status, 200, await answer.text());
  return ticket.upload_id;
}

const front = renderPose({ hair_color: 'red' }, 'front', 1, 320);
const asJpeg = (png: Buffer) => sharp(png).jpeg().toBuffer();
const asWebp = (png: Buffer) => sharp(png).webp().toBuffer();
const credits = async (api: ApiClient) => (await api.get('/v1/balance')).body.credits;

/** Every blob file of an upload (the store keeps one folder per ticket under the team's). */
async function storedFor(teamId: string, uploadId: string): Promise<string[]> {
  return readdir(join(stack.blobDir, teamId, uploadId)).catch(() => []);
}

describe('the whole flow', () => {
  test('PNG, JPEG and WebP become a ready character, free, refs in the given order with classified poses', async () => {
    const { api } = await stack.team(5);
    const png = await uploaded(api, front);
    const jpeg = await uploaded(api, await asJpeg(renderPose({ hair_color: 'red' }, 'back', 1, 320)), 'jpg');
    const webp = await uploaded(api, await asWebp(renderPose({ hair_color: 'red' }, 'side', 1, 320)), 'webp');
    const guess = await api.post('/v1/characters/uploads/classify', { upload_id: png });
    assert.equal(guess.status, 200, guess.text);
    assert.deepEqual([guess.body.upload_id, guess.body.pose], [png, 'front']);
    assert.ok(guess.body.confidence >= 0.8);
    const again = await api.post('/v1/characters/uploads/classify', { upload_id: png });
    assert.deepEqual(again.body, guess.body, 'classify is idempotent');

    const created = await api.post('/v1/characters', { name: 'Mine', upload_ids: [png, jpeg, webp], attributes: { hair_color: 'red' } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.status, 'ready');
    assert.deepEqual(created.body.refs.map((r: any) => r.pose), ['front', 'other', 'other'], 'unclassified uploads are other');
    assert.equal(await credits(api), 5, 'the upload flow is free');
    const formats = await Promise.all(created.body.refs.map(async (r: any) => (await sharp(Buffer.from(await (await fetch(r.url)).arrayBuffer())).metadata()).format));
    assert.deepEqual(formats, ['png', 'jpeg', 'webp']);

    const consumedAgain = await api.post('/v1/characters', { name: 'Twice', upload_ids: [png] });
    assert.equal(consumedAgain.status, 400);
    assert.deepEqual([consumedAgain.body.error.code, consumedAgain.body.error.param], ['upload_invalid', 'upload_ids']);
    assert.equal((await api.post('/v1/characters/uploads/classify', { upload_id: png })).body.error.code, 'upload_invalid', 'a consumed ticket');

    const regenerated = await api.post(`/v1/characters/${created.body.id}/refs/regenerate`, { pose: 'side' });
    assert.equal(regenerated.status, 200, regenerated.text);
    const done = await api.settled(created.body.id);
    assert.deepEqual(done.refs.map((r: any) => r.pose), ['front', 'other', 'other', 'side'], 'a new pose comes last; the cover stays first');
    assert.equal(await credits(api), 4);
    const events = (await api.get(`/v1/characters/${created.body.id}/events`)).body.data;
    assert.deepEqual([events[0].type, events[0].data.upload_ids], ['character.created', [png, jpeg, webp]], 'the audit trail records the upload flow');
  });

  test('a JPEG with EXIF GPS tags is stored without any metadata', async () => {
    const { api } = await stack.team(1);
    const tagged = await sharp(front)
      .jpeg()
      .withExif({ IFD0: { Copyright: 'secret owner', ImageDescription: 'my house' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' } })
      .toBuffer();
    assert.ok((await sharp(tagged).metadata()).exif, 'the original carries EXIF');
    const id = await uploaded(api, tagged, 'jpg');
    const created = await api.post('/v1/characters', { name: 'Private', upload_ids: [id] });
    const served = Buffer.from(await (await fetch(created.body.refs[0].url)).arrayBuffer());
    const meta = await sharp(served).metadata();
    assert.equal(meta.exif, undefined);
    assert.equal(meta.icc, undefined);
    assert.equal(meta.xmp, undefined);
    assert.ok(!served.includes(Buffer.from('secret owner')) && !served.includes(Buffer.from('GPS')));
  });
});

describe('refusals keep nothing', () => {
  test('a non-image, a truncated image, a mismatched type, an 11 MB body: each refused, nothing stored', async () => {
    const { api, teamId } = await stack.team(1);
    const ticket = await init(api, 'png');
    const cases: [Buffer, string | undefined, number, string][] = [
      [Buffer.from('this is not an image at all'), 'image/png', 400, 'upload_invalid'],
      [front.subarray(0, Math.floor(front.length / 2)), 'image/png', 400, 'upload_invalid'],
      [await asJpeg(front), 'image/png', 400, 'upload_invalid'],
      [front, 'image/jpeg', 400, 'upload_invalid'],
      [Buffer.alloc(11 * 1024 * 1024, 1), 'image/png', 413, 'payload_too_large'],
    ];
    for (const [bytes, type, status, code] of cases) {
      const answer = await put(ticket.upload_url, bytes, type);
      const body = (await answer.json()) as any;
      assert.equal(answer.status, status, JSON.stringify(body));
      assert.equal(body.error.code, code);
      assert.ok(body.error.message.length > 20);
    }
    const tiny = await put(ticket.upload_url, await sharp({ create: { width: 32, height: 32, channels: 3, background: 'red' } }).png().toBuffer(), 'image/png');
    assert.equal(tiny.status, 400);
    assert.match(((await tiny.json()) as any).error.message, /32×32/);
    assert.deepEqual(await storedFor(teamId, ticket.upload_id), []);
    assert.equal((await api.post('/v1/characters', { name: 'Empty', upload_ids: [ticket.upload_id] })).body.error.code, 'upload_invalid', 'not yet uploaded');
  });

  test('a tampered or expired URL is 403; a second PUT replaces the bytes', async () => {
    const { api, teamId } = await stack.team(1);
    const ticket = await init(api);
    const tampered = ticket.upload_url.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A'));
    assert.equal((await put(tampered, front, 'image/png')).status, 403);
    assert.equal((await put(ticket.upload_url, front, 'image/png')).status, 200);
    const other = renderPose({ hair_color: 'blonde' }, 'back', 2, 320);
    const second = await put(ticket.upload_url, other, 'image/png');
    assert.equal(second.status, 200);
    assert.equal((await storedFor(teamId, ticket.upload_id)).filter((f) => !f.endsWith('.type')).length, 1, 'the first bytes are gone');
    await new Promise((r) => setTimeout(r, (URL_TTL_S + 1) * 1000));
    const late = await put(ticket.upload_url, front, 'image/png');
    assert.equal(late.status, 403);
    assert.equal(((await late.json()) as any).error.code, 'url_invalid_or_expired');
  });

  test('a foreign or unknown ticket, 7 uploads, both flows or neither', async () => {
    const { api } = await stack.team(1);
    const other = await stack.team(1);
    const foreign = await uploaded(other.api, front);
    const create = (body: object) => api.post('/v1/characters', { name: 'X', ...body });
    assert.equal((await create({ upload_ids: [foreign] })).body.error.code, 'upload_invalid');
    assert.equal((await create({ upload_ids: ['upl_01HXMQ7Z3K8Y2NABCDEFGHJKMR'] })).body.error.code, 'upload_invalid');
    assert.equal((await api.post('/v1/characters/uploads/classify', { upload_id: foreign })).status, 404);
    assert.equal((await api.post('/v1/characters/uploads/classify', { upload_id: 'upl_nope' })).body.error.code, 'upload_invalid');
    const seven = await create({ upload_ids: Array.from({ length: 7 }, (_, i) => `upl_${i}`) });
    assert.deepEqual([seven.status, seven.body.error.code, seven.body.error.param], [400, 'upload_invalid', 'upload_ids']);
    assert.equal((await create({ upload_ids: [foreign, foreign] })).body.error.code, 'upload_invalid');
    assert.equal((await create({ upload_ids: [foreign], generate: true })).body.error.code, 'parameter_invalid_combination');
    assert.equal((await create({})).body.error.code, 'parameter_invalid_combination');
    const mismatch = await api.post('/v1/characters/uploads/init', { filename: 'a.png', extension: 'png', content_type: 'image/jpeg' });
    assert.deepEqual([mismatch.status, mismatch.body.error.code], [400, 'parameter_invalid_combination']);
    assert.equal((await other.api.get('/v1/characters')).body.data.length, 0, 'the refused creates made nothing');
  });

  test('a failed create gives back the tickets it consumed', async () => {
    const { api } = await stack.team(1);
    const good = await uploaded(api, front);
    const refused = await api.post('/v1/characters', { name: 'Half', upload_ids: [good, 'upl_01HXMQ7Z3K8Y2NABCDEFGHJKMR'] });
    assert.equal(refused.body.error.code, 'upload_invalid');
    const created = await api.post('/v1/characters', { name: 'Whole', upload_ids: [good] });
    assert.equal(created.status, 201, created.text);
  });
});

describe('races and lifetimes', () => {
  test('two creates racing for one ticket: exactly one wins', async () => {
    const { api } = await stack.team(1);
    const id = await uploaded(api, front);
    const answers = await Promise.all([0, 1, 2].map((i) => api.post('/v1/characters', { name: `Racer ${i}`, upload_ids: [id] })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 400, 400]);
    const winner = answers.find((a) => a.status === 201)!.body.id;
    assert.equal((await api.get(`/v1/characters/${winner}`)).body.refs.length, 1);
    // The list is visibility, eventually consistent: within a second or two it shows the one character.
    let listed: string[] = [];
    for (let i = 0; i < 40 && listed.length === 0; i++, await new Promise((r) => setTimeout(r, 100))) listed = (await api.get('/v1/characters')).body.data.map((c: any) => c.id);
    assert.deepEqual(listed, [winner]);
  });

  test('a ticket past its lifetime is gone with its bytes', async () => {
    const { api, teamId } = await stack.team(1);
    const id = await uploaded(api, front);
    assert.equal((await storedFor(teamId, id)).length > 0, true);
    const deadline = Date.now() + (TICKET_TTL_S + 15) * 1000;
    while (Date.now() < deadline && (await storedFor(teamId, id)).length > 0) await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await storedFor(teamId, id), []);
    const late = await api.post('/v1/characters', { name: 'Late', upload_ids: [id] });
    assert.equal(late.body.error.code, 'upload_invalid');
    assert.match(late.body.error.message, /expired/);
  });
});
