/**
 * The inference backends' image generations (POST /v1/images): the built-in renderer's scenes and
 * the OpenAI-compatible adapter's requests. No Temporal, no network beyond a loopback server.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Attributes } from '../../domain/character.js';
import { SYNTHESIS_POSES } from '../../domain/character.js';
import {
  type ImageGenerationRequest,
  type ImageRef,
  PermanentGenerationFailure,
  TransientGenerationFailure,
} from '../../activities/inference/backend.js';
import { colorOf } from '../../activities/inference/colors.js';
import { OpenAiImagesBackend } from '../../activities/inference/openai.js';
import { lookFromRefs } from '../../activities/inference/ref-look.js';
import { BuiltInRenderer, DEFAULT_RENDERER_OPTIONS, renderPose } from '../../activities/inference/renderer.js';
import { planScene } from '../../activities/inference/scene-plan.js';
import { renderScene } from '../../activities/inference/scene.js';

function refsOf(attributes: Attributes, seed = 3): ImageRef[] {
  return SYNTHESIS_POSES.map((pose) => ({ pose, bytes: renderPose(attributes, pose, seed, 320), contentType: 'image/png' }));
}

const redHead = refsOf({ hair_color: 'red', hair_style: 'long', eye_color: 'green', additional_details: 'olive skin' });
const blonde = refsOf({ hair_color: 'blonde', hair_style: 'short', eye_color: 'blue', additional_details: 'pale skin' });

function request(overrides: Partial<ImageGenerationRequest> = {}): ImageGenerationRequest {
  return {
    prompt: 'standing in a meadow below the mountains',
    negativePrompt: null,
    width: 1024,
    height: 1024,
    seed: 42,
    steps: 30,
    guidanceScale: 7.5,
    denoiseStrength: 0.6,
    refs: redHead,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function paletteOf(png: Buffer): Promise<Set<string>> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const seen = new Set<string>();
  for (let i = 0; i < data.length; i += info.channels) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  return seen;
}

const key = (rgb: readonly number[]) => rgb.join(',');

describe('built-in renderer: image generations', () => {
  test('the same request gives the same bytes', async () => {
    assert.ok((await renderScene(request())).equals(await renderScene(request())));
  });

  test('another seed, prompt, negative prompt or set of refs gives other bytes', async () => {
    const base = await renderScene(request());
    const variants: Partial<ImageGenerationRequest>[] = [
      { seed: 43 },
      { prompt: 'standing on a beach at sunset' },
      { negativePrompt: 'mountains' },
      { negativePrompt: 'ugly' },
      { refs: blonde },
      { refs: [] },
    ];
    for (const variant of variants) {
      assert.ok(!base.equals(await renderScene(request(variant))), `changing ${JSON.stringify(Object.keys(variant))} changed nothing`);
    }
  });

  test('the output is a PNG of exactly the requested size', async () => {
    for (const [width, height] of [[2048, 2048], [2048, 1152], [1152, 2048]] as const) {
      const meta = await sharp(await renderScene(request({ width, height }))).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', width, height]);
    }
  });

  test('the look is read from the ref images: hair, skin, eyes and hair length', async () => {
    const look = await lookFromRefs(redHead);
    assert.deepEqual(look?.hair, colorOf('red'));
    assert.deepEqual(look?.skin, [190, 155, 105], 'olive skin');
    assert.deepEqual(look?.eyes, colorOf('green'));
    assert.equal(look?.hairLength, 'long');
    const bald = await lookFromRefs(refsOf({ hair_style: 'bald' }));
    assert.equal(bald?.hair, null);
    assert.equal(await lookFromRefs([]), null);
  });

  test('the character drawn in the scene wears the colours of its refs', async () => {
    const red = key(colorOf('red'));
    const yellow = key(colorOf('blonde'));
    const withRed = await paletteOf(await renderScene(request({ refs: redHead })));
    const withBlonde = await paletteOf(await renderScene(request({ refs: blonde })));
    assert.ok(withRed.has(red) && !withRed.has(yellow), 'red hair from the red-haired refs');
    assert.ok(withBlonde.has(yellow) && !withBlonde.has(red), 'blonde hair from the blonde refs');
    assert.ok(withRed.has('190,155,105') && withBlonde.has('245,222,205'), 'olive and pale skin');
    const textOnly = await paletteOf(await renderScene(request({ refs: [] })));
    assert.ok(!textOnly.has(red) && !textOnly.has(yellow), 'no character without refs');
  });

  test('the prompt sets the scene and a negative prompt removes what it names', () => {
    const forest = planScene(request({ prompt: 'a forest by the lake at night' }));
    assert.ok(['trees', 'water', 'moon', 'stars'].every((e) => forest.elements.has(e as never)));
    assert.ok(forest.light, 'night light');
    const bare = planScene(request({ prompt: 'a forest by the lake at night', negativePrompt: 'no trees, no stars' }));
    assert.ok(!bare.elements.has('trees') && !bare.elements.has('stars') && bare.elements.has('water'));
    assert.equal(bare.layoutSeed, forest.layoutSeed, 'what remains stays where it was');
  });

  test('steps, guidance and denoise strength each change the picture a little', async () => {
    const base = await renderScene(request());
    for (const variant of [{ steps: 4 }, { guidanceScale: 20 }, { denoiseStrength: 0.1 }]) {
      assert.ok(!base.equals(await renderScene(request(variant))), JSON.stringify(variant));
    }
  });

  test('a ref that is not an image fails for good', async () => {
    const broken: ImageRef = { pose: 'portrait', bytes: Buffer.from('not a picture'), contentType: 'image/png' };
    await assert.rejects(renderScene(request({ refs: [broken] })), PermanentGenerationFailure);
  });

  test('generateImage injects the same latency and failures as pose generation', async () => {
    const quick = { ...DEFAULT_RENDERER_OPTIONS, latencyMs: 0 };
    const faults: string[] = [];
    const permanent = new BuiltInRenderer({ ...quick, permanentFailureRate: 1 }, (f) => faults.push(f));
    await assert.rejects(permanent.generateImage(request()), PermanentGenerationFailure);
    const transient = new BuiltInRenderer({ ...quick, transientFailureRate: 1 }, (f) => faults.push(f));
    await assert.rejects(transient.generateImage(request()), TransientGenerationFailure);
    const hang = new BuiltInRenderer({ ...quick, hangRate: 1 }, (f) => faults.push(f));
    const controller = new AbortController();
    const hanging = hang.generateImage(request({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('cancelled')), 20);
    await assert.rejects(hanging, /cancelled/);
    assert.deepEqual(faults, ['permanent', 'transient', 'hang']);

    const slow = new BuiltInRenderer({ ...quick, latencyMs: 60 });
    const started = performance.now();
    const image = await slow.generateImage(request());
    assert.ok(performance.now() - started >= 55, 'waits the configured latency');
    assert.equal(image.contentType, 'image/png');
  });
});

describe('OpenAI-compatible adapter: image generations', () => {
  interface Received {
    url: string;
    auth: string | undefined;
    contentType: string;
    form?: FormData;
    json?: Record<string, unknown>;
  }
  let server: Server;
  let baseUrl: string;
  let received: Received[] = [];
  const answer = renderPose(null, 'portrait', 1, 64);

  async function read(req: IncomingMessage): Promise<Received> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
    const got: Received = { url: req.url ?? '', auth: req.headers.authorization, contentType };
    // Node's own Request parses multipart, so the test checks what a real server would see.
    if (contentType.startsWith('multipart/form-data')) got.form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
    else got.json = JSON.parse(body.toString());
    return got;
  }

  before(async () => {
    server = createServer(async (req, res) => {
      const got = await read(req);
      received.push(got);
      const prompt = String(got.form?.get('prompt') ?? got.json?.prompt ?? '');
      const reply = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (prompt.includes('unavailable')) return reply(503, { error: { message: 'The server is overloaded' } });
      if (prompt.includes('refused')) return reply(400, { error: { message: 'Your request was rejected by the safety system.' } });
      reply(200, { created: 1, data: [{ b64_json: answer.toString('base64') }] });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const backend = () => new OpenAiImagesBackend({ baseUrl, apiKey: 'sk-test', model: 'gpt-image-1', visionModel: 'gpt-4o-mini', size: '1024x1024', timeoutMs: 5000 });

  test('with a character it posts the refs as image[] files to the edits endpoint', async () => {
    received = [];
    const image = await backend().generateImage(request({ width: 2048, height: 1152, negativePrompt: 'blurry, extra fingers', refs: redHead }));
    assert.ok(image.bytes.equals(answer));
    assert.equal(image.contentType, 'image/png');
    const [got] = received;
    assert.equal(got?.url, '/v1/images/edits');
    assert.equal(got.auth, 'Bearer sk-test');
    const form = got.form!;
    const files = form.getAll('image[]') as File[];
    assert.equal(files.length, redHead.length);
    for (const [i, file] of files.entries()) {
      assert.equal(file.type, 'image/png');
      assert.ok(Buffer.from(await file.arrayBuffer()).equals(redHead[i]!.bytes), `image[] ${i} is the ref itself`);
    }
    const prompt = String(form.get('prompt'));
    assert.ok(prompt.startsWith('standing in a meadow below the mountains'));
    assert.match(prompt, /Avoid: blurry, extra fingers$/);
    assert.deepEqual(
      ['model', 'n', 'size', 'response_format', 'seed'].map((k) => form.get(k)),
      ['gpt-image-1', '1', '2048x1152', 'b64_json', '42'],
    );
  });

  test('without a character it posts JSON to the generations endpoint', async () => {
    received = [];
    await backend().generateImage(request({ refs: [], width: 2048, height: 2048 }));
    const [got] = received;
    assert.equal(got?.url, '/v1/images/generations');
    assert.equal(got.auth, 'Bearer sk-test');
    assert.match(got.contentType, /^application\/json/);
    assert.deepEqual(got.json, { model: 'gpt-image-1', prompt: 'standing in a meadow below the mountains', n: 1, size: '2048x2048', response_format: 'b64_json', seed: 42 });
  });

  test('a 503 is transient and a 400 is permanent, with or without refs', async () => {
    for (const refs of [redHead, []]) {
      await assert.rejects(backend().generateImage(request({ refs, prompt: 'unavailable' })), (err: Error) => err instanceof TransientGenerationFailure && /503: The server is overloaded/.test(err.message));
      await assert.rejects(backend().generateImage(request({ refs, prompt: 'refused' })), (err: Error) => err instanceof PermanentGenerationFailure && /400: .*safety system/.test(err.message));
    }
  });
});
