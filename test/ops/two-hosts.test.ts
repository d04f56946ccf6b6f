/**
 * Production shape on one machine: the API and the worker as if on two hosts, each its own process
 * with its own working folder and DATA_DIR, sharing nothing but Temporal on PostgreSQL, the S3
 * server and Redis. The whole lifecycle must pass through that: images cross from the worker's host
 * to the API's host only by way of the bucket.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import sharp from 'sharp';
import { renderPose } from '../../activities/inference/renderer.js';
import { Tenancy } from '../../api/use-cases/tenancy.js';
import { type S3Server, startS3Server } from '../../scripts/s3/versitygw.js';
import { type PostgresTemporal, postgresReachable, startPostgresTemporal } from '../../scripts/temporal/server.js';
import type { ApiClient } from '../support/http.js';
import { type ApiProcess, type Host, type WorkerProcess, spawnApiOn, spawnWorkerOn } from '../support/processes.js';

const say = (line: string) => console.log(line);
// Required in CI (as the PostgreSQL suite of scripts/test.ts is); elsewhere skipped without it.
const skip = !process.env.CI && !(await postgresReachable()) ? 'PostgreSQL is not reachable at PGHOST:PGPORT (127.0.0.1:5432)' : false;
const TASK_QUEUE = 'characters-two-hosts';

let temporal: PostgresTemporal | undefined;
let s3: S3Server | undefined;
let worker: WorkerProcess | undefined;
let apiHost: ApiProcess | undefined;
let connection: Connection | undefined;
let tenancy: Tenancy;
const hostDirs: string[] = [];

async function team(credits: number): Promise<ApiClient> {
  const { apiKey } = await tenancy.createTeam({ name: 'Two hosts', credits });
  return apiHost!.client(apiKey);
}

before(async () => {
  if (skip) return;
  // A database of its own: other suites on this PostgreSQL use aurous_temporal.
  temporal = await startPostgresTemporal({ say, fresh: true, database: 'aurous_two_hosts' });
  s3 = await startS3Server({ say });
  const host = async (name: string): Promise<Host> => {
    const dir = await mkdtemp(join(tmpdir(), `aurous-${name}-host-`));
    hostDirs.push(dir);
    return { temporalAddress: temporal!.address, namespace: temporal!.namespace, taskQueue: TASK_QUEUE, blobEnv: s3!.env, dir };
  };
  worker = await spawnWorkerOn(await host('worker'));
  apiHost = await spawnApiOn(await host('api'), { env: { RATE_LIMIT_STORE: 'redis' } });
  connection = await Connection.connect({ address: temporal.address });
  tenancy = new Tenancy({ client: new Client({ connection, namespace: temporal.namespace }), taskQueue: TASK_QUEUE });
});

after(async () => {
  await apiHost?.stop();
  await worker?.stop();
  await connection?.close();
  await s3?.stop();
  await temporal?.stop();
  await Promise.all(hostDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const fetchBytes = async (url: string) => {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return Buffer.from(await response.arrayBuffer());
};

describe('API and worker on separate hosts', { skip }, () => {
  test('create → reviewing → save, then an image generation with the character, images served by the API from the bucket', async () => {
    const api = await team(20);
    const created = await api.post('/v1/characters', { name: 'Far apart', generate: true, attributes: { hair_color: 'teal' } });
    assert.equal(created.status, 201, created.text);
    const reviewing = await api.settled(created.body.id, 60_000);
    assert.equal(reviewing.status, 'reviewing', JSON.stringify(reviewing));
    for (const ref of reviewing.refs) assert.equal((await sharp(await fetchBytes(ref.url)).metadata()).format, 'png');
    const saved = await api.post(`/v1/characters/${created.body.id}/save`);
    assert.equal(saved.body.status, 'ready', saved.text);

    const image = await api.post('/v1/images', { prompt: 'in a lighthouse', character_id: created.body.id, count: 2, seed: 7 });
    assert.equal(image.status, 201, image.text);
    const done = await api.imageSettled(image.body.id, 60_000);
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    const outputs = await Promise.all(done.output_urls.map(fetchBytes));
    assert.equal(outputs.length, 2);
    for (const png of outputs) assert.equal((await sharp(png).metadata()).format, 'png');
    assert.equal((await api.get('/v1/balance')).body.credits, 20 - 4 - 2);
  });

  test('a character from an upload: the API host stores the bytes, the worker host reads them', async () => {
    const api = await team(5);
    const ticket = await api.post('/v1/characters/uploads/init', { filename: 'me.png', extension: 'png', content_type: 'image/png' });
    assert.equal(ticket.status, 201, ticket.text);
    const bytes = renderPose({ hair_color: 'red' }, 'front', 3, 320);
    const put = await fetch(ticket.body.upload_url, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'Content-Type': 'image/png' } });
    assert.equal(put.status, 200, await put.text());
    const guess = await api.post('/v1/characters/uploads/classify', { upload_id: ticket.body.upload_id });
    assert.equal(guess.body.pose, 'front', guess.text);
    const created = await api.post('/v1/characters', { name: 'Uploaded', upload_ids: [ticket.body.upload_id] });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.status, 'ready');
    assert.equal((await sharp(await fetchBytes(created.body.refs[0].url)).metadata()).format, 'png');
    const regenerated = await api.post(`/v1/characters/${created.body.id}/refs/regenerate`, { pose: 'side' });
    assert.equal(regenerated.status, 200, regenerated.text);
    const done = await api.settled(created.body.id, 60_000);
    assert.deepEqual(done.refs.map((r: { pose: string }) => r.pose), ['front', 'side']);
  });

  test('S3_PRESIGNED_URLS=true: file URLs are the store’s own presigned URLs, fetched from the S3 server, never the API', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aurous-presigning-api-host-'));
    hostDirs.push(dir);
    const presigning = await spawnApiOn(
      { temporalAddress: temporal!.address, namespace: temporal!.namespace, taskQueue: TASK_QUEUE, blobEnv: s3!.env, dir },
      { env: { S3_PRESIGNED_URLS: 'true', FILE_URL_TTL_SECONDS: '600' } },
    );
    try {
      const { apiKey } = await tenancy.createTeam({ name: 'Presigned', credits: 10 });
      const api = presigning.client(apiKey);
      const created = await api.post('/v1/characters', { name: 'Presigned', generate: true });
      assert.equal(created.status, 201, created.text);
      const reviewing = await api.settled(created.body.id, 60_000);
      assert.equal(reviewing.status, 'reviewing', JSON.stringify(reviewing));
      for (const ref of reviewing.refs) {
        const url = new URL(ref.url);
        assert.equal(url.origin, s3!.endpoint, ref.url);
        assert.equal(url.searchParams.get('X-Amz-Expires'), '600');
        assert.equal((await sharp(await fetchBytes(ref.url)).metadata()).format, 'png');
      }
      // The signature covers the key: the same query on another object is refused by the store.
      const [first, second] = reviewing.refs.map((r: { url: string }) => new URL(r.url));
      const forged = `${second.origin}${second.pathname}${first.search}`;
      assert.equal((await fetch(forged)).status, 403);
      // The console may show them: its CSP lets images (only) come from the store.
      const csp = (await fetch(`${presigning.url}/console`)).headers.get('content-security-policy') ?? '';
      assert.match(csp, new RegExp(`img-src 'self' ${s3!.endpoint.replace(/[.]/g, '\\.')} blob:`), csp);
      assert.match(csp, /connect-src 'self';/, csp);
    } finally {
      await presigning.stop();
    }
  });

  test('the S3 server down: a file URL answers 503 backend_unavailable, never 500, and serves again once it is back', async () => {
    const api = await team(5);
    const created = await api.post('/v1/characters', { name: 'Outage', generate: true });
    const reviewing = await api.settled(created.body.id, 60_000);
    const url = reviewing.refs[0].url as string;
    await s3!.kill('SIGKILL');
    try {
      const during = await fetch(url);
      assert.equal(during.status, 503);
      assert.equal(((await during.json()) as { error: { code: string } }).error.code, 'backend_unavailable');
    } finally {
      await s3!.restart();
    }
    assert.equal((await sharp(await fetchBytes(url)).metadata()).format, 'png');
  });

  test('no image bytes were written to either host’s folder: they live in the bucket only', async () => {
    for (const dir of hostDirs) {
      const files = (await readdir(dir, { recursive: true })).map(String);
      assert.deepEqual(files.filter((f) => /\.(png|jpe?g|webp)$/.test(f)), [], dir);
    }
    const bucketFiles = (await readdir(join(s3!.dataDir, 'buckets'), { recursive: true })).map(String);
    assert.ok(bucketFiles.filter((f) => f.endsWith('.png')).length >= 4 + 2 + 1 + 1, 'the refs, the outputs and the upload are in the bucket');
  });
});
