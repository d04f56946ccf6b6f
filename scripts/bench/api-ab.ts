/**
 * `npm run bench:api-ab -- <git-rev> [--connections 32] [--seconds 10] [--rounds 2]`: the read path
 * (GET /v1/characters/{id}) of the API as built at <git-rev> against the working tree's, side by
 * side on one cluster: both API processes talk to the same dev server and worker, and the load
 * alternates between them, so a before/after of an API change is measured in one run.
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Tenancy } from '../../api/use-cases/tenancy.js';
import { Cluster, freePort } from '../support/cluster.js';
import { uniformRateLimitsJson } from '../../api/rate-limit/buckets.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { connections: { type: 'string', default: '32' }, seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '2' } },
});
const rev = positionals[0];
if (!rev) {
  console.error('usage: npm run bench:api-ab -- <git-rev> [--connections N] [--seconds N] [--rounds N]');
  process.exit(2);
}
const root = fileURLToPath(new URL('../..', import.meta.url));
const runDir = mkdtempSync(join(tmpdir(), 'aurous-api-ab-'));
const before = join(runDir, 'before');
execSync(`git worktree add --detach ${before} ${rev}`, { cwd: root, stdio: 'ignore' });
if (!existsSync(join(before, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(before, 'node_modules'));

const bundle = join(runDir, 'bundle.js');
execSync(`${process.execPath} --import tsx scripts/build-workflows.ts ${bundle}`, { cwd: root, stdio: 'ignore' });
const UNLIMITED = uniformRateLimitsJson({ sustainedPerMinute: 1e9, burst: 1e9 });
const cluster = new Cluster({
  runDir,
  workers: 1,
  apis: 1,
  taskQueue: 'bench',
  workerEnv: { RENDERER_LATENCY_MS: '0', RENDERER_SIZE: '96', WORKER_METRICS_ADDRESS: '', LOG_LEVEL: 'warn', WORKFLOW_BUNDLE: bundle },
  apiEnv: { RATE_LIMITS: UNLIMITED, LOG_LEVEL: 'warn' },
});
const port = await freePort();
const env = { ...process.env, DATA_DIR: runDir, TEMPORAL_TASK_QUEUE: 'bench', RATE_LIMITS: UNLIMITED, LOG_LEVEL: 'warn', API_PORT: String(port) };
let old: ReturnType<typeof spawn> | undefined;
try {
  await cluster.start();
  old = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], { cwd: before, env: { ...env, TEMPORAL_ADDRESS: cluster.address }, stdio: 'ignore' });
  const urls = { before: `http://127.0.0.1:${port}`, after: cluster.apiUrls[0]! };
  await cluster.waitReady(urls.before);
  const team = await new Tenancy({ client: cluster.client, taskQueue: 'bench' }).createTeam({ name: 'ab', credits: 1000 });
  const created = await (await fetch(`${urls.after}/v1/characters`, { method: 'POST', headers: { 'X-Api-Key': team.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'ab', generate: true }) })).json();
  const load = async (url: string, seconds: number) => {
    const r = await autocannon({ url: `${url}/v1/characters/${created.id}`, connections: Number(values.connections), duration: seconds, headers: { 'X-Api-Key': team.apiKey } });
    return `${r.requests.average.toFixed(0)} rps, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms${r.errors + r.non2xx ? `, ${r.errors + r.non2xx} errors` : ''}`;
  };
  await load(urls.before, 2);
  await load(urls.after, 2);
  console.log(`GET /v1/characters/{id}, ${values.connections} connections, ${values.seconds} s per side; before = ${rev}, after = working tree`);
  for (let round = 1; round <= Number(values.rounds); round++) {
    console.log(`round ${round}: before ${await load(urls.before, Number(values.seconds))} | after ${await load(urls.after, Number(values.seconds))}`);
  }
} finally {
  old?.kill('SIGTERM');
  await cluster.stop();
  execSync(`git worktree remove --force ${before}`, { cwd: root, stdio: 'ignore' });
}
process.exit(0);
