/** The inference backends: the built-in renderer's pictures, and the OpenAI-compatible adapter. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { PermanentGenerationFailure, TransientGenerationFailure } from '../../activities/inference/backend.js';
import { OpenAiImagesBackend } from '../../activities/inference/openai.js';
import { renderPose } from '../../activities/inference/renderer.js';
import { useStack } from '../support/stack.js';

function colors(png: Buffer): Set<string> {
  const image = PNG.sync.read(png);
  const seen = new Set<string>();
  for (let i = 0; i < image.data.length; i += 4) seen.add(`${image.data[i]},${image.data[i + 1]},${image.data[i + 2]}`);
  return seen;
}

describe('built-in renderer', () => {
  const attributes = { hair_color: 'red', eye_color: 'blue', additional_details: 'olive skin' };

  test('is deterministic for (attributes, pose, seed)', () => {
    assert.ok(renderPose(attributes, 'front', 7, 128).equals(renderPose(attributes, 'front', 7, 128)));
  });

  test('another seed, another pose or other attributes give another image', () => {
    const base = renderPose(attributes, 'front', 7, 128);
    assert.ok(!base.equals(renderPose(attributes, 'front', 8, 128)));
    assert.ok(!base.equals(renderPose(attributes, 'side', 7, 128)));
    assert.ok(!base.equals(renderPose({ ...attributes, hair_color: 'blonde' }, 'front', 7, 128)));
  });

  test('the five poses are five different pictures', () => {
    const images = (['portrait', 'front', 'side', 'back', 'other'] as const).map((p) => renderPose(attributes, p, 1, 128).toString('base64'));
    assert.equal(new Set(images).size, 5);
  });

  test('hair, eye and skin colours appear in the picture', () => {
    const seen = colors(renderPose(attributes, 'portrait', 1, 256));
    assert.ok(seen.has('190,40,30'), 'red hair');
    assert.ok(seen.has('40,90,200'), 'blue eyes');
    assert.ok(seen.has('190,155,105'), 'olive skin');
    const back = colors(renderPose(attributes, 'back', 1, 256));
    assert.ok(!back.has('40,90,200'), 'no eyes seen from behind');
  });
});

describe('OpenAI-compatible images adapter', () => {
  let server: Server;
  let baseUrl: string;
  const received: { auth?: string; body: any }[] = [];
  const png = renderPose(null, 'portrait', 1, 64);

  async function bodyOf(req: IncomingMessage): Promise<any> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString());
  }

  before(async () => {
    server = createServer(async (req, res) => {
      const body = await bodyOf(req);
      received.push({ auth: req.headers.authorization, body });
      const reply = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (req.url !== '/v1/images/generations' || req.method !== 'POST') return reply(404, { error: { message: 'no route' } });
      if (body.prompt.includes('forbidden')) return reply(400, { error: { message: 'Your request was rejected by the safety system.' } });
      if (body.prompt.includes('busy')) return reply(429, { error: { message: 'Rate limit reached' } });
      if (body.prompt.includes('broken')) return reply(502, 'bad gateway');
      if (body.prompt.includes('hang')) return; // never answers
      if (body.prompt.includes('empty')) return reply(200, { data: [] });
      reply(200, { created: 1, data: [{ b64_json: png.toString('base64') }] });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const backend = () => new OpenAiImagesBackend({ baseUrl, apiKey: 'sk-test', model: 'img-model', visionModel: 'vision-model', size: '512x512', timeoutMs: 300 });
  const request = (prompt: string) => ({ pose: 'front' as const, seed: 3, attributes: null, prompt, signal: new AbortController().signal });

  test('posts the prompt with the key and decodes the base64 image', async () => {
    const image = await backend().generate(request('a knight'));
    assert.ok(image.bytes.equals(png));
    assert.equal(image.contentType, 'image/png');
    const last = received.at(-1)!;
    assert.equal(last.auth, 'Bearer sk-test');
    assert.deepEqual({ ...last.body, prompt: undefined }, { model: 'img-model', n: 1, size: '512x512', response_format: 'b64_json', seed: 3, prompt: undefined });
  });

  test('a 400 is permanent and carries the API’s message', async () => {
    await assert.rejects(backend().generate(request('forbidden thing')), (err) => err instanceof PermanentGenerationFailure && /safety system/.test(err.message));
  });

  test('429, 5xx, a timeout, an unreachable host and a 200 without an image are transient', async () => {
    for (const prompt of ['busy', 'broken', 'hang', 'empty']) {
      await assert.rejects(backend().generate(request(prompt)), (err) => err instanceof TransientGenerationFailure, prompt);
    }
    const unreachable = new OpenAiImagesBackend({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', model: 'm', visionModel: 'v', size: 's', timeoutMs: 300 });
    await assert.rejects(unreachable.generate(request('x')), (err) => err instanceof TransientGenerationFailure);
  });

  describe('behind the whole stack', () => {
    const stack = useStack(() => ({ backend: backend() }));

    test('a character is synthesized through the images API; a refused prompt fails without retries and is refunded', async () => {
      const { api } = await stack.team(10);
      const good = await api.post('/v1/characters', { name: 'Via API', generate: true, attributes: { hair_color: 'black' } });
      const done = await api.settled(good.body.id);
      assert.equal(done.status, 'reviewing');
      const served = Buffer.from(await (await fetch(done.refs[2].url)).arrayBuffer());
      assert.ok(served.equals(png));

      const before = received.length;
      const bad = await api.post('/v1/characters', { name: 'Refused', generate: true, attributes: { additional_details: 'forbidden' } });
      const failed = await api.settled(bad.body.id);
      assert.equal(failed.status, 'failed');
      assert.match(failed.error_message, /safety system/);
      assert.equal(received.length - before, 4, 'a permanent failure is not retried');
      assert.equal((await api.get('/v1/balance')).body.credits, 10 - 4);
    });
  });
});
