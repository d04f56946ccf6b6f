/** Telling an upload's pose: the built-in heuristic on the renderer's own sheets, and the vision-model adapter. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { OpenAiImagesBackend } from '../../activities/inference/openai.js';
import { classifyPose } from '../../activities/inference/pose-classifier.js';
import { renderPose } from '../../activities/inference/renderer.js';
import { renderScene } from '../../activities/inference/scene.js';
import { POSES } from '../../domain/character.js';
import { classifierAccuracy } from '../../scripts/bench/classifier-accuracy.js';

describe('the built-in heuristic', () => {
  test('classifies at least 95 of 100 of the renderer’s sheets with random attributes correctly', async () => {
    const { correct, total } = await classifierAccuracy(100, 7);
    console.log(`classifier: ${correct}/${total} correct`);
    assert.ok(correct / total >= 0.95, `${correct}/${total}`);
  });

  // Lossy JPEG/WebP blur the few sclera pixels of a 320 px sheet: the heuristic is for the renderer's own sheets.
  test('each pose, also as lossless WebP, at 320 and 1024 px', async () => {
    for (const size of [320, 1024]) {
      for (const pose of POSES) {
        const png = renderPose({ hair_color: 'black', eye_color: 'green' }, pose, 3, size);
        for (const bytes of [png, await sharp(png).webp({ lossless: true }).toBuffer()]) {
          assert.equal((await classifyPose(bytes)).pose, pose, `${pose} at ${size}`);
        }
      }
    }
  });

  test('what does not look like a reference sheet is other, with low confidence', async () => {
    const scene = await renderScene({ prompt: 'a busy market at noon', negativePrompt: null, width: 1024, height: 1024, seed: 1, steps: 30, guidanceScale: 7.5, denoiseStrength: 0.6, refs: [], signal: new AbortController().signal });
    const noise = await sharp(Buffer.from(Array.from({ length: 256 * 256 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 256, height: 256, channels: 3 } }).png().toBuffer();
    for (const bytes of [scene, noise]) {
      const guess = await classifyPose(bytes);
      assert.equal(guess.pose, 'other');
      assert.ok(guess.confidence <= 0.3);
    }
  });
});

describe('the vision-model adapter', () => {
  let server: Server;
  let baseUrl: string;
  let received: { url?: string; auth?: string; body: any }[] = [];
  let reply = '{"pose":"side","confidence":0.87}';

  before(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({ url: req.url, auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: reply } }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const backend = () => new OpenAiImagesBackend({ baseUrl, apiKey: 'sk-test', model: 'gpt-image-1', visionModel: 'vision-1', size: '1024x1024', timeoutMs: 5000 });
  const image = { bytes: renderPose(null, 'side', 1, 64), contentType: 'image/png' };

  test('asks the vision model with the image as a data URL and reads its JSON answer', async () => {
    received = [];
    assert.deepEqual(await backend().classifyPose(image, new AbortController().signal), { pose: 'side', confidence: 0.87 });
    const [got] = received;
    assert.equal(got?.url, '/v1/chat/completions');
    assert.equal(got.auth, 'Bearer sk-test');
    assert.equal(got.body.model, 'vision-1');
    assert.deepEqual(got.body.response_format, { type: 'json_object' });
    const parts = got.body.messages.at(-1).content;
    assert.equal(parts[1].type, 'image_url');
    assert.equal(parts[1].image_url.url, `data:image/png;base64,${image.bytes.toString('base64')}`);
    assert.match(got.body.messages[0].content, /portrait.*front.*side.*back.*other/);
  });

  test('an answer that is not one of the poses is other with no confidence', async () => {
    for (const answer of ['{"pose":"upside-down","confidence":0.99}', 'not json at all']) {
      reply = answer;
      assert.deepEqual(await backend().classifyPose(image, new AbortController().signal), { pose: 'other', confidence: 0 });
    }
  });
});
