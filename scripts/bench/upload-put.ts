/**
 * What a 10 MB upload costs the API: `node --import tsx scripts/bench/upload-put.ts`. Starts a dev
 * server, a worker and one API process (scripts/support/cluster.ts), PUTs a 10 MB image alone a few
 * times (throughput), then 8 at once while sampling the API process's resident memory from /proc,
 * and writes results/upload-put.json. Numbers are reported, never asserted.
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Tenancy } from '../../api/use-cases/tenancy.js';
import { MAX_UPLOAD_BYTES } from '../../domain/uploads.js';
import { Cluster } from '../support/cluster.js';

const say = (line: string) => console.log(`[upload-put] ${line}`);

/** A PNG just under the limit: random pixels do not compress. */
async function tenMegabytePng(): Promise<Buffer> {
  const side = 1800;
  const pixels = Buffer.alloc(side * side * 3);
  for (let i = 0, x = 2463534242; i < pixels.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    pixels[i] = x & 0xff;
  }
  const png = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  if (png.length > MAX_UPLOAD_BYTES) throw new Error(`the bench image is ${png.length} bytes, over the limit`);
  return png;
}

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

const runDir = mkdtempSync(join(tmpdir(), 'aurous-upload-bench-'));
const cluster = new Cluster({ runDir, workers: 1, apis: 1, workerEnv: { WORKER_METRICS_ADDRESS: '' }, apiEnv: {} });
try {
  say('starting a dev server, a worker and an API');
  await cluster.start();
  const { apiKey } = await new Tenancy({ client: cluster.client, taskQueue: 'chaos' }).createTeam({ name: 'bench', credits: 0 });
  const url = cluster.apiUrls[0]!;
  const png = await tenMegabytePng();
  say(`image: ${(png.length / 1024 / 1024).toFixed(2)} MB PNG`);
  const ticket = async () =>
    (await (await fetch(`${url}/v1/characters/uploads/init`, { method: 'POST', headers: { 'X-Api-Key': apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ filename: 'big.png', extension: 'png', content_type: 'image/png' }) })).json()) as { upload_url: string };
  const put = async (uploadUrl: string) => {
    const started = performance.now();
    const response = await fetch(uploadUrl, { method: 'PUT', body: new Uint8Array(png), headers: { 'Content-Type': 'image/png' } });
    if (response.status !== 200) throw new Error(`PUT answered ${response.status}: ${await response.text()}`);
    return performance.now() - started;
  };

  const pid = cluster.apis[0]!.child!.pid!;
  const alone: number[] = [];
  for (let i = 0; i < 5; i++) alone.push(await put((await ticket()).upload_url));
  alone.sort((a, b) => a - b);
  const medianMs = alone[2]!;
  const idleKb = rssKb(pid, 'VmRSS');

  const urls = await Promise.all(Array.from({ length: 8 }, ticket));
  let peakKb = idleKb;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(pid, 'VmRSS'))), 20);
  const started = performance.now();
  await Promise.all(urls.map((t) => put(t.upload_url)));
  const eightMs = performance.now() - started;
  clearInterval(sampler);

  const result = {
    imageBytes: png.length,
    alone: { medianMs: Math.round(medianMs), mbPerSecond: Number((png.length / 1024 / 1024 / (medianMs / 1000)).toFixed(1)) },
    eightAtOnce: { totalMs: Math.round(eightMs), mbPerSecond: Number(((8 * png.length) / 1024 / 1024 / (eightMs / 1000)).toFixed(1)) },
    apiRssMb: { beforeEight: Math.round(idleKb / 1024), peakDuringEight: Math.round(peakKb / 1024), highWaterMark: Math.round(rssKb(pid, 'VmHWM') / 1024) },
    note: 'each PUT: streamed in with a 10 MB cap, decoded and re-encoded without metadata by sharp, stored, recorded by its ticket workflow',
    measuredAt: new Date().toISOString(),
  };
  say(JSON.stringify(result, null, 2));
  writeFileSync(new URL('../../results/upload-put.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await cluster.stop();
}
