/**
 * `npm run bench [-- --quick]`: what the backend exists for, measured as ratios side by side in
 * one run on this machine (absolute times drift on a shared machine; ratios less so). Starts its
 * own Temporal dev server, worker and API on loopback, plus the baselines; prints a table and
 * writes results/bench(-quick).{json,md}. Numbers are reported, never asserted.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import autocannon from 'autocannon';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { getCharacter, update } from '../domain/messages.js';
import { DEV_SERVER_SQLITE_PRAGMAS } from './temporal/dev-server.js';
import { type PostgresTemporal, startPostgresTemporal } from './temporal/server.js';
import { Cluster, Managed } from './support/cluster.js';
import { Api, benchApi, ms, pct, pool, productWrites, saturation } from './bench/harness.js';
import { withCpu } from './bench/cpu.js';
import { uniformRateLimitsJson } from '../api/rate-limit/buckets.js';
import { Receiver } from '../test/support/receiver.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = values.quick;
const root = fileURLToPath(new URL('..', import.meta.url));
const say = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const UNLIMITED = uniformRateLimitsJson({ sustainedPerMinute: 1e9, burst: 1e9 });
/** The generation the image rows measure: text to image, four outputs at the smallest side. */
const IMAGE_BENCH_BODY = { prompt: 'a lighthouse on a cliff at dusk', count: 4, width: 1024, height: 1024 };
const SIZES = quick
  ? { webhookLatency: 5, webhookSaturation: 20, fanOut: 5, fanOutLatency: 200, overhead: 10, readSeconds: 1, readConcurrency: [1, 8, 32], writes: 12, writeConcurrency: 4, updateSeconds: 1, scale: 60, transitions: 200, cacheSizes: [50], touched: 40 }
  : { webhookLatency: 50, webhookSaturation: 500, fanOut: 24, fanOutLatency: 1000, overhead: 100, readSeconds: 5, readConcurrency: [1, 8, 32], writes: 200, writeConcurrency: 16, updateSeconds: 5, scale: 10_000, transitions: 5_000, cacheSizes: [100, 1000, 5000], touched: 5000 };

type Row = { measure: string; value: string; note?: string };
const rows: Row[] = [];
const record = (measure: string, value: string | number, note?: string) => {
  rows.push({ measure, value: String(value), note });
  say(`${measure}: ${value}${note ? ` (${note})` : ''}`);
};

/** The processes whose CPU a write round is charged with: the cluster's worker and API, and its Temporal server. */
const cpuPids = (cluster: Cluster, server: number) => ({ worker: cluster.workers[0]!.child!.pid!, api: cluster.apis[0]!.child!.pid!, server });

/** The bench team on a cluster's first API. */
const clusterApi = (cluster: Cluster) => benchApi(cluster.client, cluster.apiUrls[0]!, 'bench');

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Restarts the worker gracefully with new settings, then warms it up (its first tasks pay for the cache). */
async function restartWorker(cluster: Cluster, api: Api, env: Record<string, string>): Promise<void> {
  const worker = cluster.workers[0]!;
  worker.env = { ...worker.env, ...env };
  await worker.kill('SIGTERM');
  worker.start();
  await cluster.waitReady(cluster.apiUrls[0]!);
  for (let i = 0; i < 3; i++) await api.createToReviewing();
}

async function httpLoad(url: string, connections: number, seconds: number, headers: Record<string, string> = {}, requests?: autocannon.Request[]) {
  const result = await autocannon({ url, connections, duration: seconds, headers, requests });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** `read` called back to back by `concurrency` callers for `seconds`: throughput and latency. */
async function clientLoad(read: () => Promise<unknown>, concurrency: number, seconds: number) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      await read();
      latencies.push(performance.now() - t);
    }
  }));
  return { rps: latencies.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/**
 * The read path on one cluster, side by side at each concurrency: GET through the API (which reads
 * the memo with DescribeWorkflowExecution), the same describe from a bare client, a bare Query
 * (which needs the worker), and the HTTP floor. `on` names the store in the row, '' for the dev server.
 */
async function readRows(on: string, client: Client, api: Api, probe: string): Promise<void> {
  const get = (c: number) => httpLoad(`${api.url}/v1/characters/${probe}`, c, SIZES.readSeconds, { 'X-Api-Key': api.key });
  const handle = client.workflow.getHandle(probe);
  await get(8); // warm-up
  for (const c of SIZES.readConcurrency) {
    const facade = await get(c);
    const describe = await clientLoad(() => handle.describe(), c, SIZES.readSeconds);
    const query = await clientLoad(() => handle.query(getCharacter), c, SIZES.readSeconds);
    const floor = await httpLoad(`${api.url}/healthz`, c, SIZES.readSeconds);
    const line = (r: { rps: number; p50: number; p99: number }) => `${r.rps.toFixed(0)} / ${r.p50.toFixed(1)} ms / ${r.p99.toFixed(1)} ms`;
    const at = `read c=${c}${on}`;
    record(`${at}: GET character rps / p50 / p99`, line(facade), facade.errors ? `${facade.errors} errors` : undefined);
    record(`${at}: bare describe rps / p50 / p99`, line(describe), 'client.workflow.getHandle(id).describe(), what GET reads');
    record(`${at}: bare Temporal query rps / p50 / p99`, line(query), 'getCharacter, answered by the worker');
    record(`${at}: GET /healthz rps / p50 / p99`, line(floor));
    record(`${at}: GET rps / bare describe rps`, (facade.rps / describe.rps).toFixed(2), 'goal at c=32: ≥ 0.8');
    record(`${at}: GET p99 / bare describe p99`, (facade.p99 / describe.p99).toFixed(2), 'goal at c=32: ≤ 1.5');
  }
}

/** The webhook rows deliver to a receiver on loopback, which only a development deployment may target. */
const WEBHOOK_ENV = { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' };

/**
 * Webhooks on loopback, at L = 0: the time from a state change to its receipt (an image's
 * completed_at, as the workflow recorded it, to the moment the receiver read the delivery), one
 * generation at a time; then deliveries per second at saturation, from synthetic test events
 * (each one event workflow and one delivery workflow, the whole delivery path without a render).
 */
async function webhookRows(api: Api): Promise<void> {
  const receiver = new Receiver();
  await receiver.start();
  const endpoint = await api.call('POST', '/v1/webhook_endpoints', { url: receiver.url, events: ['image.completed'] });
  try {
    const latencies: number[] = [];
    for (let i = 0; i < SIZES.webhookLatency; i++) {
      const done = await api.imageToDone(IMAGE_BENCH_BODY, 100);
      const delivery = await receiver.waitFor((e) => e.type === 'image.completed' && e.data.object.id === done.id);
      latencies.push(receiver.received.find((r) => r.body === delivery.body)!.at - done.completedAt);
    }
    record('webhooks: image completed_at → receipt p50', ms(pct(latencies, 50)), `${SIZES.webhookLatency} generations one at a time, receiver on loopback answering 200`);
    record('webhooks: image completed_at → receipt p99', ms(pct(latencies, 99)));
    const sent = performance.now();
    const firstAt = Date.now();
    const ids = new Set<string>();
    await pool(Array.from({ length: SIZES.webhookSaturation }), SIZES.writeConcurrency, async () => {
      ids.add((await api.call('POST', `/v1/webhook_endpoints/${endpoint.id}/test`, { event_type: 'image.completed' })).id);
    });
    const deadline = Date.now() + 120_000;
    const arrived = () => receiver.received.filter((r) => ids.has(r.headers['webhook-id']!));
    while (new Set(arrived().map((r) => r.headers['webhook-id'])).size < ids.size && Date.now() < deadline) await sleep(50);
    const delivered = new Set(arrived().map((r) => r.headers['webhook-id'])).size;
    const lastAt = Math.max(...arrived().map((r) => r.at));
    record('webhooks: deliveries / s at saturation', (delivered / ((lastAt - firstAt) / 1000)).toFixed(1), `${delivered} of ${ids.size} test events delivered, ${SIZES.writeConcurrency} senders, first send → last receipt; each send is an Update of the one endpoint's workflow (sent in ${((performance.now() - sent) / 1000).toFixed(1)} s)`);
  } finally {
    // Later rows create thousands of resources: no endpoint should be delivering behind them.
    // The endpoint may still be busy recording the burst's attempts: a 503 is retried (the call is idempotent).
    for (let attempt = 1; ; attempt++) {
      try {
        await api.call('DELETE', `/v1/webhook_endpoints/${endpoint.id}`, undefined, { 'Idempotency-Key': `bench-cleanup-${endpoint.id}` });
        break;
      } catch (err) {
        if (attempt >= 6 || !/→ 503/.test((err as Error).message)) throw err;
        say(`webhook endpoint cleanup answered 503 (attempt ${attempt}); retrying`);
        await sleep(2000);
      }
    }
    await receiver.stop();
  }
}

async function startCluster(runDir: string, bundle: string, options: { sqlitePragmas?: Record<string, string>; latencyMs?: number; temporalAddress?: string } = {}): Promise<Cluster> {
  mkdirSync(runDir, { recursive: true });
  const cluster = new Cluster({
    runDir,
    workers: 1,
    apis: 1,
    taskQueue: 'bench',
    sqlitePragmas: options.sqlitePragmas,
    temporalAddress: options.temporalAddress,
    workerEnv: { RENDERER_LATENCY_MS: String(options.latencyMs ?? SIZES.fanOutLatency), RENDERER_SIZE: '96', WORKER_METRICS_ADDRESS: '', LOG_LEVEL: 'warn', WORKFLOW_BUNDLE: bundle, ...WEBHOOK_ENV },
    apiEnv: { RATE_LIMITS: UNLIMITED, LOG_LEVEL: 'warn', ...WEBHOOK_ENV },
  });
  await cluster.start();
  return cluster;
}

/** The bare Temporal fan-out, started by a plain client on the same server. */
function baselineWrites(client: Client, count: number, concurrency: number): Promise<number> {
  const run = Date.now();
  return saturation(count, concurrency, async (i) => {
    const handle = await client.workflow.start('baselineCharacter', { taskQueue: 'bench-baseline', workflowId: `baseline-${run}-${i}`, args: [`b${run}-${i}`] });
    return async () => {
      await handle.result();
      return (await handle.describe()).closeTime!.getTime();
    };
  });
}

/** The BullMQ peer: a parent job with four pose children, on the machine's Redis. */
async function bullmqWrites(prefix: string, count: number, concurrency: number): Promise<number> {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const flows = new FlowProducer({ connection: redis, prefix });
  const events = new QueueEvents('character', { connection: redis.duplicate(), prefix });
  const parents = new Queue('character', { connection: redis, prefix });
  await events.waitUntilReady();
  try {
    return await saturation(count, concurrency, async (i) => {
      const flow = await flows.add({
        name: 'character',
        queueName: 'character',
        data: { id: `q${i}` },
        children: ['portrait', 'front', 'side', 'back'].map((pose, p) => ({ name: 'pose', queueName: 'pose', data: { id: `q${i}`, pose, seed: p + 1 } })),
      });
      return async () => {
        await flow.job.waitUntilFinished(events, 120_000);
        return (await parents.getJob(flow.job.id!))!.finishedOn!;
      };
    });
  } finally {
    await Promise.all([flows.close(), events.close(), parents.close()]);
    redis.disconnect();
  }
}

function startBaselineWorker(address: string, blobDir: string): Managed {
  const worker = new Managed('baseline-worker', process.execPath, ['--import', 'tsx', 'scripts/bench/baseline-worker.ts'], { ...process.env, TEMPORAL_ADDRESS: address, BLOB_DIR: blobDir, RENDERER_LATENCY_MS: '0' }, runDir);
  processes.push(worker);
  worker.start();
  return worker;
}

/**
 * Creates at saturation with the CPU each process spent on them, from its own counters (wall time
 * on a shared machine says little): the product's worker, API and Temporal server per character.
 */
async function measuredWrites(api: Api, pids: { worker: number; api: number; server: number }): Promise<{ rate: number; perCharacter: { worker: number; api: number; server: number } }> {
  const { result: rate, cpu } = await withCpu(pids, () => productWrites(api, SIZES.writes, SIZES.writeConcurrency));
  return { rate, perCharacter: { worker: cpu.worker / SIZES.writes, api: cpu.api / SIZES.writes, server: cpu.server / SIZES.writes } };
}

/** The CPU rows of product writes, beside creates/s; `on` names the store, '' for the dev server. */
function recordWriteCpu(on: string, runs: { perCharacter: { worker: number; api: number; server: number } }[]): void {
  const mean = (pick: (r: (typeof runs)[number]) => number) => runs.reduce((sum, r) => sum + pick(r), 0) / runs.length;
  record(`write${on}: worker CPU per character`, ms(mean((r) => r.perCharacter.worker)), `utime+stime of the worker process during the creates above (workflows, activities, webhook events); goal ≤ 25 ms`);
  record(`write${on}: Temporal server CPU per character`, ms(mean((r) => r.perCharacter.server)));
  record(`write${on}: API CPU per character`, ms(mean((r) => r.perCharacter.api)));
}

/**
 * The read rows and one round of the write ratio on the Temporal server on PostgreSQL, the store
 * production runs, on a database created afresh. Without PostgreSQL the rows say skipped.
 */
async function postgresRows(bundle: string): Promise<void> {
  let temporal: PostgresTemporal;
  try {
    temporal = await startPostgresTemporal({ fresh: true, database: 'aurous_bench', say });
  } catch (err) {
    record('PostgreSQL: Temporal server', 'skipped', (err as Error).message.split('\n')[0]);
    return;
  }
  const cluster = await startCluster(join(runDir, 'postgres'), bundle, { temporalAddress: temporal.address, latencyMs: 0 }).catch(async (err) => {
    await temporal.stop({ keepLogs: true });
    throw err;
  });
  try {
    const { api } = await clusterApi(cluster);
    for (let i = 0; i < 3; i++) await api.createToReviewing();
    await readRows(' on PostgreSQL', cluster.client, api, (await api.createToReviewing()).id);
    const baselineWorker = startBaselineWorker(cluster.address, join(runDir, 'baseline-blobs'));
    await sleep(8000);
    const measured = await measuredWrites(api, cpuPids(cluster, temporal.pid));
    const product = measured.rate;
    const baseline = await baselineWrites(cluster.client, SIZES.writes, SIZES.writeConcurrency);
    await baselineWorker.kill('SIGTERM');
    record('write on PostgreSQL: product creates→reviewing / s', product.toFixed(1), `one round, ${SIZES.writes} creates, ${SIZES.writeConcurrency} submitters`);
    recordWriteCpu(' on PostgreSQL', [measured]);
    record('write on PostgreSQL: bare Temporal fan-out workflows / s', baseline.toFixed(1));
    record('write on PostgreSQL: product / bare Temporal', (product / baseline).toFixed(2), 'target ≥ 0.8');
  } finally {
    await cluster.stop();
    await temporal.stop();
  }
}

const runDir = mkdtempSync(join(tmpdir(), 'aurous-bench-'));
const processes: Managed[] = [];
let cluster: Cluster | undefined;
try {
  say(`run directory ${runDir}${quick ? ' (quick smoke run)' : ''}`);
  const bundle = join(runDir, 'workflow-bundle.js');
  execSync(`${process.execPath} --import tsx scripts/build-workflows.ts ${bundle}`, { cwd: root, stdio: 'ignore' });
  cluster = await startCluster(join(runDir, 'default'), bundle);
  const { api, teamId } = await clusterApi(cluster);

  // 1. Fan-out efficiency at a fixed latency L per pose. The time is the resource's own
  // (created_at → updated_at), so how often the client polls changes only the load it adds.
  const L = SIZES.fanOutLatency;
  const fanOut = async (parallel: number, pollMs: number) => {
    const times: number[] = [];
    await pool(Array.from({ length: SIZES.fanOut }), parallel, async () => void times.push((await api.createToReviewing(pollMs)).ms));
    return times;
  };
  const alone = await fanOut(1, 250);
  record('fan-out: create→reviewing p50 / L, one character at a time', (pct(alone, 50) / L).toFixed(3), `L = ${L} ms, ${SIZES.fanOut} characters, client polling every 250 ms; limit 1.0, sequential poses 4.0`);
  record('fan-out: create→reviewing p95 / L, one character at a time', (pct(alone, 95) / L).toFixed(3));
  const fan = await fanOut(4, 250);
  record('fan-out: create→reviewing p50 / L, 4 characters at a time', (pct(fan, 50) / L).toFixed(3), '16 poses in flight; each create debits the same team ledger');
  record('fan-out: create→reviewing p95 / L, 4 characters at a time', (pct(fan, 95) / L).toFixed(3));
  const eager = await fanOut(4, 25);
  record('tuning: client polling 25 ms → 250 ms, fan-out p50 / L, 4 at a time', `${(pct(eager, 50) / L).toFixed(3)} → ${(pct(fan, 50) / L).toFixed(3)}`, '4 clients polling every 25 ms send 160 GETs/s, each a describe the Temporal server answers');

  // Image generations: four outputs in parallel at the same L per output.
  const imageFan: number[] = [];
  for (let i = 0; i < SIZES.fanOut; i++) imageFan.push((await api.imageToDone(IMAGE_BENCH_BODY, 250)).ms);
  record('images: submit→succeeded p50 / L, count 4, one at a time', (pct(imageFan, 50) / L).toFixed(3), `L = ${L} ms per output, 1024×1024, ${SIZES.fanOut} generations; goal ≤ 1.05, sequential outputs 4.0`);

  // 2. Orchestration overhead at L = 0.
  await restartWorker(cluster, api, { RENDERER_LATENCY_MS: '0' });
  const overhead: number[] = [];
  for (let i = 0; i < SIZES.overhead; i++) overhead.push((await api.createToReviewing()).ms);
  record('overhead: create→reviewing p50 (L = 0)', ms(pct(overhead, 50)), `${SIZES.overhead} sequential creates`);
  record('overhead: create→reviewing p99 (L = 0)', ms(pct(overhead, 99)));

  // 3. Read path, side by side with bare describe and query loops and the HTTP floor.
  const probe = (await api.createToReviewing()).id;
  await readRows('', cluster.client, api, probe);
  const closing = await httpLoad(`${api.url}/v1/characters/${probe}`, 8, SIZES.readSeconds, { 'X-Api-Key': api.key, Connection: 'close' });
  const keptAlive = await httpLoad(`${api.url}/v1/characters/${probe}`, 8, SIZES.readSeconds, { 'X-Api-Key': api.key });
  record('tuning: HTTP keep-alive off → on, GET character c=8 rps (p99)', `${closing.rps.toFixed(0)} (${closing.p99} ms) → ${keptAlive.rps.toFixed(0)} (${keptAlive.p99} ms)`, 'a new TCP connection per request vs kept-alive connections');

  // 4. Write path: the product, a bare Temporal fan-out, and a BullMQ peer, same renderer, same blob store.
  const blobDir = join(runDir, 'baseline-blobs');
  // Two rounds, alternated, so a drift of the shared machine hits both sides alike.
  const baselineWorker = startBaselineWorker(cluster.address, blobDir);
  await sleep(8000);
  const productRounds: number[] = [];
  const baselineRounds: number[] = [];
  const measuredRounds: Awaited<ReturnType<typeof measuredWrites>>[] = [];
  for (let round = 0; round < 2; round++) {
    measuredRounds.push(await measuredWrites(api, cpuPids(cluster, cluster.temporal!.child!.pid!)));
    productRounds.push(measuredRounds.at(-1)!.rate);
    baselineRounds.push(await baselineWrites(cluster.client, SIZES.writes, SIZES.writeConcurrency));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [productRate, baselineRate] = [mean(productRounds), mean(baselineRounds)];
  const roundsNote = (xs: number[]) => `rounds ${xs.map((x) => x.toFixed(1)).join(', ')}`;
  const prefix = `aurous-bench-${Date.now()}`;
  const bullWorker = new Managed('bullmq-worker', process.execPath, ['--import', 'tsx', 'scripts/bench/bullmq-worker.ts'], { ...process.env, BULLMQ_PREFIX: prefix, BLOB_DIR: blobDir, RENDERER_LATENCY_MS: '0' }, runDir);
  processes.push(bullWorker);
  bullWorker.start();
  await sleep(3000);
  const bullRate = await bullmqWrites(prefix, SIZES.writes, SIZES.writeConcurrency);
  // Image generations at saturation beside a bare Temporal workflow of the same shape (four renders of the same scene size).
  const imageRate = await saturation(SIZES.writes, SIZES.writeConcurrency, async () => {
    const done = api.imageToDone(IMAGE_BENCH_BODY, 100);
    return async () => (await done).completedAt;
  });
  const bareImageRate = await saturation(SIZES.writes, SIZES.writeConcurrency, async (i) => {
    const handle = await cluster!.client.workflow.start('baselineImage', { taskQueue: 'bench-baseline', workflowId: `baseline-image-${Date.now()}-${i}`, args: [`i${Date.now()}-${i}`] });
    return async () => {
      await handle.result();
      return (await handle.describe()).closeTime!.getTime();
    };
  });
  record('images: generations (count 4) / s at saturation', imageRate.toFixed(1), `${SIZES.writes} generations, ${SIZES.writeConcurrency} submitters, 1024×1024, L = 0; paid, pinned, refunds, audit trail in history`);
  record('images: bare Temporal fan-out (4 renders) / s', bareImageRate.toFixed(1), 'the same renders and blob writes, no API, no ledger');
  record('images: product / bare Temporal', (imageRate / bareImageRate).toFixed(2), 'goal ≥ 0.95');
  await webhookRows(api);
  await Promise.all([baselineWorker.kill('SIGTERM'), bullWorker.kill('SIGTERM')]);
  record('write: product creates→reviewing / s', productRate.toFixed(1), `${roundsNote(productRounds)}; ${SIZES.writes} creates each, ${SIZES.writeConcurrency} submitters; durable state machine, exactly-once charge, idempotency, audit trail in history`);
  recordWriteCpu('', measuredRounds);
  record('write: bare Temporal fan-out workflows / s', baselineRate.toFixed(1), `${roundsNote(baselineRounds)}; durable, no API, no ledger, no state machine`);
  record('write: BullMQ flow (parent + 4 children) / s', bullRate.toFixed(1), 'Redis job queue: at-least-once, no charge, no audit, state lost with Redis');
  record('write: product / bare Temporal', (productRate / baselineRate).toFixed(2), 'target ≥ 0.8');
  record('write: product / BullMQ', (productRate / bullRate).toFixed(2));

  // Tuning: the same two write measures on a dev server left with SQLite's own journal settings.
  const plain = await startCluster(join(runDir, 'sqlite-defaults'), bundle, { sqlitePragmas: {}, latencyMs: 0 });
  try {
    const { api: plainApi } = await clusterApi(plain);
    for (let i = 0; i < 3; i++) await plainApi.createToReviewing();
    const plainProduct = await productWrites(plainApi, SIZES.writes, SIZES.writeConcurrency);
    const plainBaselineWorker = startBaselineWorker(plain.address, blobDir);
    await sleep(8000);
    const plainBaseline = await baselineWrites(plain.client, SIZES.writes, SIZES.writeConcurrency);
    await plainBaselineWorker.kill('SIGTERM');
    const pragmas = Object.entries(DEV_SERVER_SQLITE_PRAGMAS).map(([k, v]) => `${k}=${v}`).join(', ');
    record(`tuning: SQLite defaults → ${pragmas}, product creates→reviewing / s`, `${plainProduct.toFixed(1)} → ${productRate.toFixed(1)}`, 'two dev servers, same run');
    record(`tuning: SQLite defaults → ${pragmas}, bare Temporal fan-out / s`, `${plainBaseline.toFixed(1)} → ${baselineRate.toFixed(1)}`);
  } finally {
    await plain.stop();
  }

  // Updates per second: PATCH through the API vs the same Update sent by a plain client.
  const targets: string[] = [];
  for (let i = 0; i < 8; i++) targets.push((await api.createToReviewing()).id);
  const patch = await httpLoad(api.url, 8, SIZES.updateSeconds, { 'X-Api-Key': api.key, 'Content-Type': 'application/json' }, targets.map((id) => ({ method: 'PATCH', path: `/v1/characters/${id}`, body: JSON.stringify({ name: 'patched' }) })));
  let updates = 0;
  const updateEnd = performance.now() + SIZES.updateSeconds * 1000;
  await Promise.all(targets.map(async (id) => {
    const handle = cluster!.client.workflow.getHandle(id);
    while (performance.now() < updateEnd) {
      await handle.executeUpdate(update, { args: [{ teamId, requestId: 'bench', name: 'direct' }] });
      updates++;
    }
  }));
  record('updates: PATCH via API / s', `${patch.rps.toFixed(0)} (p99 ${patch.p99} ms)`, '8 characters, 8 connections');
  record('updates: bare executeUpdate / s', (updates / SIZES.updateSeconds).toFixed(0));

  // 5. Scale: many characters, worker memory against its cache, list latency, a character's long life.
  const started = performance.now();
  let scaleFailures = 0;
  await pool(Array.from({ length: SIZES.scale }), 32, async () => {
    try {
      await api.call('POST', '/v1/characters', { name: 'scale', generate: true });
    } catch {
      scaleFailures++;
    }
  });
  record(`scale: ${SIZES.scale} creates accepted / s`, (SIZES.scale / ((performance.now() - started) / 1000)).toFixed(1), scaleFailures ? `${scaleFailures} failed` : 'concurrency 32, generation continues in the background');
  for (;;) {
    const synthesizing = await cluster.client.workflow.count(`WorkflowType = 'characterWorkflow' AND CharacterStatus = 'synthesizing'`);
    if (synthesizing.count === 0) break;
    await sleep(2000);
  }
  record(`scale: all ${SIZES.scale} reviewing after (s)`, ((performance.now() - started) / 1000).toFixed(0));
  const listFirst: number[] = [];
  const listDeep: number[] = [];
  const page = await api.call('GET', `/v1/characters?limit=100`);
  const cursor = page.data.at(-1).id;
  for (let i = 0; i < 30; i++) {
    let t = performance.now();
    await api.call('GET', '/v1/characters?limit=20');
    listFirst.push(performance.now() - t);
    t = performance.now();
    await api.call('GET', `/v1/characters?limit=20&starting_after=${cursor}`);
    listDeep.push(performance.now() - t);
  }
  record(`scale: list first page p50 / p99 at ${SIZES.scale}+ characters`, `${ms(pct(listFirst, 50))} / ${ms(pct(listFirst, 99))}`);
  record('scale: list after a cursor p50 / p99', `${ms(pct(listDeep, 50))} / ${ms(pct(listDeep, 99))}`);

  const ids: string[] = [];
  for await (const info of cluster.client.workflow.list({ query: `WorkflowType = 'characterWorkflow' AND CharacterStatus = 'reviewing'`, pageSize: 1000 })) {
    ids.push(info.workflowId);
    if (ids.length >= SIZES.touched) break;
  }
  for (const size of SIZES.cacheSizes) {
    await restartWorker(cluster, api, { WORKER_MAX_CACHED_WORKFLOWS: String(size) });
    const before = rssMb(cluster.workers[0]!.child!.pid!);
    // Queries, not GETs: a GET reads the memo from the server and never loads a workflow into the cache.
    const reads: number[] = [];
    for (let round = 0; round < 2; round++) {
      await pool(ids, 32, async (id) => {
        const t = performance.now();
        await cluster!.client.workflow.getHandle(id).query(getCharacter);
        if (round === 1) reads.push(performance.now() - t);
      });
    }
    record(
      `memory: worker RSS after querying ${ids.length} characters twice, maxCachedWorkflows=${size}`,
      `${rssMb(cluster.workers[0]!.child!.pid!).toFixed(0)} MB`,
      `${before.toFixed(0)} MB idle; second pass query p50 ${ms(pct(reads, 50))}, p99 ${ms(pct(reads, 99))} (a cache miss replays the history)`,
    );
  }

  const life = (await api.createToReviewing()).id;
  await api.call('POST', `/v1/characters/${life}/save`);
  await api.call('POST', `/v1/characters/${life}/refs/regenerate`, { pose: 'side' });
  await api.settled(life);
  await api.call('PATCH', `/v1/characters/${life}`, { name: 'typical' });
  const typical = await cluster.client.workflow.getHandle(life).describe();
  record('history events of a typical lifecycle (create, save, regenerate, patch)', typical.historyLength);
  const getAt: string[] = [];
  const sampleGet = async () => {
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await api.call('GET', `/v1/characters/${life}`);
      samples.push(performance.now() - t);
    }
    return pct(samples, 50);
  };
  getAt.push(`0: ${ms(await sampleGet())}`);
  let maxHistory = 0;
  for (let i = 1; i <= SIZES.transitions; i++) {
    await api.call('PATCH', `/v1/characters/${life}`, { name: `t${i}` });
    if (i % Math.floor(SIZES.transitions / 5) === 0) {
      getAt.push(`${i}: ${ms(await sampleGet())}`);
      maxHistory = Math.max(maxHistory, (await cluster.client.workflow.getHandle(life).describe()).historyLength);
    }
  }
  let runs = 0;
  for await (const _ of cluster.client.workflow.list({ query: `WorkflowId = '${life}'` })) runs++;
  record(`long life: ${SIZES.transitions} transitions → runs (continue-as-new)`, runs, `largest current-run history seen: ${maxHistory} events`);
  record('long life: GET p50 at transition n', getAt.join(', '));

  // 6. PostgreSQL, after the dev server is gone, so the two stores never share the machine.
  await cluster.stop();
  cluster = undefined;
  await postgresRows(bundle);
} catch (err) {
  console.error(err instanceof WorkflowNotFoundError ? err.message : err);
  process.exitCode = 1;
} finally {
  await Promise.all(processes.map((p) => p.kill('SIGTERM')));
  await cluster?.stop();
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${execSync('uname -sr').toString().trim()}`;
const label = quick ? 'bench-quick' : 'bench';
mkdirSync(join(root, 'results'), { recursive: true });
writeFileSync(join(root, 'results', `${label}.json`), `${JSON.stringify({ at: new Date().toISOString(), machine, quick, rows }, null, 2)}\n`);
writeFileSync(
  join(root, 'results', `${label}.md`),
  `# Benchmarks${quick ? ' (quick smoke run)' : ''}\n\n${new Date().toISOString()} on ${machine}. One run, all measures side by side (\`npm run bench\`).\n\n| measure | value | note |\n|---|---|---|\n${rows.map((r) => `| ${r.measure} | ${r.value} | ${r.note ?? ''} |`).join('\n')}\n`,
);
console.log(`\n${rows.map((r) => `${r.measure.padEnd(78)} ${r.value}`).join('\n')}\n`);
say(`results in results/${label}.{json,md}`);
process.exit(process.exitCode ?? 0);
