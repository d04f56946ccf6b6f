/**
 * `npm run bench:worker-ab -- <git-rev> [--creates 200] [--concurrency 16] [--rounds 2] [--sequential 30]`:
 * the create path of the worker (and API) as built at <git-rev> beside the working tree's, on one
 * dev server: each side has its own worker, API and team on its own task queue, and the rounds
 * alternate between the sides, so a before/after is measured in one run with only one side loaded
 * at a time. Reports, per side: CPU per character (worker, Temporal server, API) from the
 * processes' own counters at saturation, creates/s, the create→reviewing overhead at L = 0, and
 * fan-out / L at L = 1 s one and four characters at a time.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { uniformRateLimitsJson } from '../../api/rate-limit/buckets.js';
import { Cluster, Managed, freePort } from '../support/cluster.js';
import { withCpu } from './cpu.js';
import { type Api, benchApi, pct, pool, productWrites } from './harness.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    creates: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '2' },
    sequential: { type: 'string', default: '30' },
    latency: { type: 'string', default: '1000' },
  },
});
const rev = positionals[0];
if (!rev) {
  console.error('usage: npm run bench:worker-ab -- <git-rev> [--creates N] [--concurrency N] [--rounds N] [--sequential N] [--latency ms]');
  process.exit(2);
}
const [creates, concurrency, rounds, sequential, L] = [values.creates, values.concurrency, values.rounds, values.sequential, values.latency].map(Number) as [number, number, number, number, number];
const root = fileURLToPath(new URL('../..', import.meta.url));
const runDir = mkdtempSync(join(tmpdir(), 'aurous-worker-ab-'));
const say = (line: string) => console.log(`[worker-ab ${new Date().toISOString().slice(11, 19)}] ${line}`);

// The older commit as plain files (no git worktree to clean up), sharing this checkout's node_modules.
const beforeDir = join(runDir, 'before');
mkdirSync(beforeDir);
execSync(`git archive ${rev} | tar -x -C ${beforeDir}`, { cwd: root, shell: '/bin/bash' });
symlinkSync(join(root, 'node_modules'), join(beforeDir, 'node_modules'));
const bundles = { before: join(runDir, 'before-bundle.js'), after: join(runDir, 'after-bundle.js') };
for (const [side, dir] of [['before', beforeDir], ['after', root]] as const) {
  execSync(`${process.execPath} --import tsx scripts/build-workflows.ts ${bundles[side]}`, { cwd: dir, stdio: 'ignore' });
}

const UNLIMITED = uniformRateLimitsJson({ sustainedPerMinute: 1e9, burst: 1e9 });
const workerEnv = (side: 'before' | 'after', latencyMs: number) => ({ RENDERER_LATENCY_MS: String(latencyMs), RENDERER_SIZE: '96', WORKER_METRICS_ADDRESS: '', LOG_LEVEL: 'warn', WORKFLOW_BUNDLE: bundles[side] });
const cluster = new Cluster({ runDir, workers: 1, apis: 1, taskQueue: 'after', workerEnv: workerEnv('after', L), apiEnv: { RATE_LIMITS: UNLIMITED, LOG_LEVEL: 'warn' } });

interface Side {
  name: 'before' | 'after';
  worker: Managed;
  apiProcess: Managed;
  api: Api;
}
const rows: string[] = [];
/** The before side's processes, stopped with the cluster. */
const started: Managed[] = [];
const report = (line: string) => {
  rows.push(line);
  say(line);
};

try {
  await cluster.start();
  const common = { ...process.env, TEMPORAL_ADDRESS: cluster.address, DATA_DIR: join(runDir, 'before-data'), TEMPORAL_TASK_QUEUE: 'before', LOG_LEVEL: 'warn' };
  const oldWorker = new Managed('before-worker', process.execPath, ['--import', 'tsx', 'worker/main.ts'], { ...common, ...workerEnv('before', L) }, runDir, beforeDir);
  const apiPort = await freePort();
  const oldApi = new Managed('before-api', process.execPath, ['--import', 'tsx', 'api/main.ts'], { ...common, API_METRICS_ADDRESS: '', RATE_LIMITS: UNLIMITED, API_PORT: String(apiPort) }, runDir, beforeDir);
  started.push(oldWorker, oldApi);
  oldWorker.start();
  oldApi.start();
  const oldUrl = `http://127.0.0.1:${apiPort}`;
  await cluster.waitReady(oldUrl);
  const sides: Side[] = [
    { name: 'before', worker: oldWorker, apiProcess: oldApi, api: (await benchApi(cluster.client, oldUrl, 'before')).api },
    { name: 'after', worker: cluster.workers[0]!, apiProcess: cluster.apis[0]!, api: (await benchApi(cluster.client, cluster.apiUrls[0]!, 'after')).api },
  ];
  const warm = async (side: Side) => {
    for (let i = 0; i < 3; i++) await side.api.createToReviewing();
  };
  const fanOut = async (side: Side, parallel: number) => {
    const times: number[] = [];
    await pool(Array.from({ length: sequential }), parallel, async () => void times.push((await side.api.createToReviewing(250)).ms));
    return pct(times, 50) / L;
  };
  const each = async (measure: (side: Side) => Promise<string>, label: string) => {
    for (let round = 1; round <= rounds; round++) {
      const results: string[] = [];
      for (const side of sides) results.push(`${side.name} ${await measure(side)}`);
      report(`${label}, round ${round}: ${results.join(' | ')}`);
    }
  };

  report(`before = ${rev}, after = working tree; ${creates} creates at ${concurrency} submitters, ${sequential} sequential creates, L = ${L} ms for fan-out`);
  for (const side of sides) await warm(side);
  await each(async (side) => (await fanOut(side, 1)).toFixed(3), `fan-out p50 / L, one at a time`);
  await each(async (side) => (await fanOut(side, 4)).toFixed(3), `fan-out p50 / L, 4 at a time`);

  for (const side of sides) {
    side.worker.env = { ...side.worker.env, RENDERER_LATENCY_MS: '0' };
    await side.worker.kill('SIGTERM');
    side.worker.start();
  }
  for (const side of sides) await warm(side);
  await each(async (side) => {
    const times: number[] = [];
    for (let i = 0; i < sequential; i++) times.push((await side.api.createToReviewing()).ms);
    return `p50 ${pct(times, 50).toFixed(0)} ms, p99 ${pct(times, 99).toFixed(0)} ms`;
  }, 'overhead create→reviewing (L = 0)');
  await each(async (side) => {
    const pids = { worker: side.worker.child!.pid!, server: cluster.temporal!.child!.pid!, api: side.apiProcess.child!.pid! };
    const { result: rate, cpu } = await withCpu(pids, () => productWrites(side.api, creates, concurrency));
    const per = (n: number) => (n / creates).toFixed(1);
    return `${rate.toFixed(1)} creates/s, CPU ms per character: worker ${per(cpu.worker)}, server ${per(cpu.server)}, api ${per(cpu.api)}`;
  }, 'saturation (L = 0)');
} finally {
  await Promise.all(started.map((p) => p.kill('SIGTERM')));
  await cluster.stop();
}
console.log(`\n${rows.join('\n')}`);
process.exit(0);
