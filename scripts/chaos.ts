/**
 * `npm run chaos -- [--minutes N] [--label NAME] [--shape dev|production] [--teams N] [--clients N] [--faults on|off] [--poll] [--readers N]`:
 * the real stack as separate processes (two workers, two API processes) under steady load from
 * virtual clients, while workers are SIGKILLed, API processes die mid-request, Temporal restarts,
 * and the inference backend fails, hangs and refuses. Each team has a webhook endpoint on a
 * loopback receiver that fails and hangs part of the time.
 *
 * `--readers N`: read-only clients per team besides the writing ones (lists, GETs, image bytes).
 * `--poll`: clients poll GET about once a second while they wait for a result, as real ones do.
 * `--faults off` runs the same load without killing anything: the capacity to compare against.
 * `--shape dev` (default): the Temporal dev server on its SQLite file, blobs in a folder.
 * `--shape production`: the Temporal server on a PostgreSQL of the run's own, blobs in the S3
 * server, rate limits in Redis; PostgreSQL (postmaster and backends) and the S3 server are SIGKILLed
 * and brought back too.
 *
 * Then every character, every image generation, every ledger and every webhook event is audited.
 * Loopback only; bounded in time. Exit 1 if anything was lost, stuck or charged wrongly.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Tenancy } from '../api/use-cases/tenancy.js';
import { type AuditResult, type TeamUnderTest, audit } from './chaos/audit.js';
import { Cluster } from './support/cluster.js';
import { type LoadStats, ReaderClient, VirtualClient, newStats, rates } from './chaos/load.js';
import { type ProductionShape, startProductionShape } from './chaos/production-shape.js';
import { uniformRateLimitsJson } from '../api/rate-limit/buckets.js';
import { Receiver } from '../test/support/receiver.js';
import { verifyStandard } from '../test/support/webhook-verify.js';
import { ExpectedEvents, type WebhookAuditResult, auditWebhooks } from './chaos/audit-webhooks.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    label: { type: 'string', default: 'latest' },
    teams: { type: 'string', default: '3' },
    clients: { type: 'string', default: '2' },
    shape: { type: 'string', default: 'dev' },
    // `off`: the same load without process faults, for the capacity the faults are measured against.
    faults: { type: 'string', default: 'on' },
    // Clients poll GET about once a second while their character synthesizes or their image generates.
    poll: { type: 'boolean', default: false },
    // Read-only clients per team (lists, GETs, image bytes, balance), besides the writing ones.
    readers: { type: 'string', default: '0' },
  },
});
const minutes = Number(values.minutes);
const clientsPerTeam = Number(values.clients);
if (values.shape !== 'dev' && values.shape !== 'production') throw new Error(`--shape is dev or production, not ${values.shape}`);
const production = values.shape === 'production';
const root = fileURLToPath(new URL('..', import.meta.url));
const runDir = mkdtempSync(join(tmpdir(), 'aurous-chaos-'));
const say = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

const chaos = { workerKills: 0, apiKills: 0, temporalRestarts: 0, postgresRestarts: 0, s3Restarts: 0 };
const GRANT = 1_000_000;

// Answers 503 to one delivery in 7 and hangs past the 10 s deadline on one in 20: retries must cover
// both. A fixed cycle rather than dice, so even a short run's few dozen attempts meet both faults.
const receiver = new Receiver();
let deliveriesSeen = 0;
// Each delivery is verified as it arrives, with its team's secret once that is known.
const secretsByTeam = new Map<string, string>();
receiver.verify = (delivery) => {
  const secret = secretsByTeam.get(new URL(delivery.path, 'http://receiver').searchParams.get('team') ?? '');
  return secret ? { payload: verifyStandard(secret, delivery.body, delivery.headers) } : undefined;
};
receiver.answer = () => {
  const n = deliveriesSeen++;
  return n % 20 === 3 ? 'hang' : n % 7 === 1 ? 503 : 200;
};
// Loopback targets, and a schedule short enough for its retries to finish within the run's drain.
const webhookEnv = { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_SCHEDULE: '0,1s,2s,3s,5s,5s,5s,5s,5s,5s' };
const WEBHOOK_DRAIN_MS = 150_000;

let shape: ProductionShape | undefined;
let cluster: Cluster | undefined;

/**
 * The workflow bundle the workers load, built once as a deployment would (`npm run build:workflows`):
 * a worker brought back after a kill starts without webpack, which would otherwise take CPU from
 * everything else on every restart.
 */
function buildWorkflowBundle(): string {
  const bundle = join(runDir, 'workflow-bundle.js');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-workflows.ts', bundle], { cwd: root, stdio: 'ignore' });
  return bundle;
}

function newCluster(temporalAddress?: string, env: Record<string, string> = {}): Cluster {
  return new Cluster({
    runDir,
    workers: 2,
    apis: 2,
    temporalAddress,
    workerEnv: {
      RENDERER_LATENCY_MS: '300',
      RENDERER_TRANSIENT_FAILURE_RATE: '0.08',
      RENDERER_PERMANENT_FAILURE_RATE: '0.02',
      RENDERER_HANG_RATE: '0.02',
      GENERATION_TIMEOUT_MS: '2000',
      RENDERER_SIZE: '96',
      WORKER_METRICS_ADDRESS: '',
      WORKFLOW_BUNDLE: buildWorkflowBundle(),
      ...webhookEnv,
      ...env,
    },
    apiEnv: { RATE_LIMITS: uniformRateLimitsJson({ sustainedPerMinute: 1e6, burst: 1e6 }), ...webhookEnv, ...env },
  });
}

/** Moments (epoch ms) from `first` of the run, then every `everyMs`, within the run. */
function schedule(startedAt: number, durationMs: number, first: number, everyMs: number): number[] {
  const times: number[] = [];
  for (let t = startedAt + first * durationMs; t < startedAt + 0.95 * durationMs; t += everyMs) times.push(t);
  return times;
}

async function injectFaults(cluster: Cluster, running: () => boolean, startedAt: number, durationMs: number): Promise<void> {
  if (values.faults === 'off') return;
  const restartTemporalAt = [0.35, 0.75].map((f) => startedAt + f * durationMs);
  // Production shape: PostgreSQL every 4 min and S3 every 3 min of a long run (at least twice each).
  const restartPostgresAt = production ? schedule(startedAt, durationMs, 0.2, Math.min(240_000, 0.4 * durationMs)) : [];
  const restartS3At = production ? schedule(startedAt, durationMs, 0.1, Math.min(180_000, 0.3 * durationMs)) : [];
  let nextWorkerKill = Date.now() + 5_000;
  let nextApiKill = Date.now() + 8_000;
  const due = (times: number[]) => times.length > 0 && Date.now() >= times[0]! && Boolean(times.shift());
  while (running()) {
    const now = Date.now();
    if (due(restartTemporalAt)) {
      chaos.temporalRestarts++;
      if (shape) {
        say('restarting the Temporal server (SIGKILL; same PostgreSQL databases)');
        await shape.restartTemporal(1000);
      } else {
        say('restarting the Temporal dev server (SIGKILL, same database file)');
        await cluster.restart(cluster.temporal!, 1000);
      }
      say('Temporal serves again');
    }
    if (shape && due(restartPostgresAt)) {
      chaos.postgresRestarts++;
      const downMs = 2000 + Math.random() * 3000;
      say(`restarting PostgreSQL (SIGKILL of the postmaster and its backends; down ${(downMs / 1000).toFixed(1)} s)`);
      await shape.restartPostgres(downMs);
    }
    if (shape && due(restartS3At)) {
      chaos.s3Restarts++;
      const downMs = 1000 + Math.random() * 2000;
      say(`restarting the S3 server (SIGKILL; down ${(downMs / 1000).toFixed(1)} s)`);
      await shape.restartS3(downMs);
    }
    if (now >= nextWorkerKill) {
      const worker = cluster.workers[chaos.workerKills % cluster.workers.length]!;
      chaos.workerKills++;
      await cluster.restart(worker, 500 + Math.random() * 1500);
      nextWorkerKill = Date.now() + 6_000 + Math.random() * 10_000;
    }
    if (now >= nextApiKill) {
      const api = cluster.apis[chaos.apiKills % cluster.apis.length]!;
      chaos.apiKills++;
      await cluster.restart(api, 300 + Math.random() * 700);
      nextApiKill = Date.now() + 10_000 + Math.random() * 10_000;
    }
    await sleep(250);
  }
}

async function countInjectedFaults(): Promise<Record<string, number>> {
  const counts: Record<string, number> = { transient: 0, permanent: 0, hang: 0 };
  for (const file of (await readdir(runDir)).filter((f) => f.startsWith('worker-'))) {
    for (const line of (await readFile(join(runDir, file), 'utf8')).split('\n')) {
      const match = /"fault":"(\w+)"/.exec(line);
      if (match) counts[match[1]!] = (counts[match[1]!] ?? 0) + 1;
    }
  }
  return counts;
}

/** A webhook endpoint for every event type, on the receiver; its secret (shown once) for the audit. */
async function registerEndpoint(apiUrl: string, teamId: string, apiKey: string): Promise<string> {
  const response = await fetch(`${apiUrl}/v1/webhook_endpoints`, {
    method: 'POST',
    headers: { 'X-Api-Key': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: `${receiver.url}?team=${teamId}`, events: ['*'] }),
  });
  const body = (await response.json()) as { secret?: string };
  if (response.status !== 201 || !body.secret) throw new Error(`registering a webhook endpoint: ${response.status} ${JSON.stringify(body)}`);
  return body.secret;
}

function report(stats: LoadStats, faults: Record<string, number>, result: AuditResult, hooks: WebhookAuditResult, seconds: number, startedAt: number) {
  const operations = Object.values(stats.operations).reduce((a, b) => a + b, 0);
  // Full minutes on a long run; 10 s windows on a short one.
  const windowMs = durationMs >= 180_000 ? 60_000 : 10_000;
  const rate = rates(stats.startedAt, startedAt, durationMs, windowMs);
  const writes = rates(stats.writesStartedAt, startedAt, durationMs, windowMs);
  const rows: [string, string | number][] = [
    ['process faults', values.faults === 'off' ? 'off (capacity baseline)' : 'on'],
    ['clients', `${values.teams} teams × ${clientsPerTeam} writing${values.poll ? ' (polling while they wait)' : ''} + ${values.readers} reading`],
    ['shape', production ? 'production: Temporal server on PostgreSQL, S3 store, Redis' : 'dev: Temporal dev server on SQLite, filesystem store'],
    ['duration (s)', seconds],
    ['operations', operations],
    ['operations per second (load phase)', rate.mean],
    [`operations per second (slowest ${windowMs / 1000} s window)`, rate.slowestWindow],
    [`operations per second, window by window (${windowMs / 1000} s)`, rate.perWindow.join(' ')],
    ['writes per second (load phase)', writes.mean],
    [`writes per second (slowest ${windowMs / 1000} s window)`, writes.slowestWindow],
    ...Object.entries(stats.operations).map(([op, n]) => [`  ${op}`, n] as [string, number]),
    ['worker kills (SIGKILL)', chaos.workerKills],
    ['API kills (SIGKILL, mid-load)', chaos.apiKills],
    ['Temporal restarts', chaos.temporalRestarts],
    ['PostgreSQL restarts (SIGKILL)', production ? chaos.postgresRestarts : 'n/a'],
    ['S3 server restarts (SIGKILL)', production ? chaos.s3Restarts : 'n/a'],
    ['injected faults: transient', faults.transient ?? 0],
    ['injected faults: permanent', faults.permanent ?? 0],
    ['injected faults: hang', faults.hang ?? 0],
    ['client retries (same key, other API)', stats.retries],
    ['connection errors seen', stats.connectionErrors],
    ['5xx seen (retried)', stats.serverErrors],
    ['  of which 500 internal_error', stats.internalErrors],
    ['calls given up', stats.gaveUp],
    ['characters audited', result.characters],
    ['failed (with error_message and refund)', result.failed],
    ['lost', result.lost],
    ['stuck in synthesizing', result.stuck],
    ['refs missing or duplicated', result.refsMissingOrDuplicated],
    ['images unreadable', result.imagesUnreadable],
    ['failed without error_message', result.failedWithoutMessage],
    ['image generations audited (201)', result.images.generations],
    ['  with a character', result.images.withCharacter],
    ['  4k', result.images.fourK],
    ['  succeeded', result.images.succeeded],
    ['  failed', result.images.failed],
    ['  cancelled', result.images.cancelled],
    ['image outputs delivered (readable PNG)', result.images.outputsDelivered],
    ['generations lost', result.images.lost],
    ['generations not finished', result.images.notFinished],
    ['image outputs unreadable', result.images.outputsUnreadable],
    ['generations charged ≠ delivered × price', result.images.chargedWrongly],
    ['webhook state changes audited', hooks.stateChanges],
    ['webhook events recorded', hooks.eventsRecorded],
    ['webhook events delivered (2xx, valid signature)', hooks.eventsDelivered],
    ['webhook events lost', hooks.lost],
    ['webhook bad signatures', hooks.badSignatures],
    ['webhook attempts received', hooks.attempts],
    ['  answered 5xx', hooks.attemptsFailed],
    ['  hung past the deadline', hooks.attemptsHung],
    ['webhook drain after the audit (s)', hooks.drainSeconds],
    ['double-charged (credits)', result.doubleCharged],
    ['under-charged (credits)', result.underCharged],
    ['unexpected answers', stats.unexpected.length],
  ];
  return rows;
}

const durationMs = minutes * 60_000;
let ok = false;
try {
  say(`starting the ${values.shape} stack in ${runDir}`);
  await receiver.start();
  if (production) shape = await startProductionShape(runDir, say);
  const stack = newCluster(shape?.temporalAddress, shape?.env);
  cluster = stack;
  await stack.start();
  const tenancy = new Tenancy({ client: stack.client, taskQueue: 'chaos' });
  const stats = newStats();
  const teams: TeamUnderTest[] = [];
  const readers: ReaderClient[] = [];
  const secrets = secretsByTeam;
  for (let i = 0; i < Number(values.teams); i++) {
    const { teamId, apiKey } = await tenancy.createTeam({ name: `chaos ${i}`, credits: GRANT });
    secrets.set(teamId, await registerEndpoint(stack.apiUrls[0]!, teamId, apiKey));
    const clients = Array.from({ length: clientsPerTeam }, () => new VirtualClient(teamId, apiKey, stack.apiUrls, stats, values.poll));
    teams.push({ teamId, apiKey, granted: GRANT, clients });
    for (let r = 0; r < Number(values.readers); r++) readers.push(new ReaderClient(apiKey, stack.apiUrls, stats));
  }
  const startedAt = Date.now();
  const running = () => Date.now() - startedAt < durationMs;
  const drainDeadline = () => startedAt + durationMs + 120_000;
  say(`load and faults for ${minutes} min: ${teams.length} teams × ${clientsPerTeam} writing + ${values.readers} reading clients, 2 workers, 2 APIs`);
  await Promise.all([injectFaults(stack, running, startedAt, durationMs), ...teams.flatMap((t) => t.clients.map((c) => c.run(running, drainDeadline))), ...readers.map((r) => r.run(running, drainDeadline))]);
  say('load stopped; every process back up; auditing');
  await Promise.all(stack.apiUrls.map((url) => stack.waitReady(url)));
  const expected = new ExpectedEvents();
  const result = await audit(stack.client, tenancy, stack.apiUrls[0]!, teams, expected);
  const hooks = await auditWebhooks(stack.client, receiver, secrets, expected, (f) => result.findings.length < 100 && result.findings.push(f), WEBHOOK_DRAIN_MS);
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  const rows = report(stats, await countInjectedFaults(), result, hooks, seconds, startedAt);
  const { lost, notFinished, outputsUnreadable, chargedWrongly } = result.images;
  const wrong = [result.lost, result.stuck, result.refsMissingOrDuplicated, result.imagesUnreadable, result.failedWithoutMessage, result.doubleCharged, result.underCharged, lost, notFinished, outputsUnreadable, chargedWrongly, hooks.lost, hooks.badSignatures];
  ok = wrong.every((n) => n === 0) && stats.unexpected.length === 0;

  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`);
  if (result.findings.length) console.log(`findings:\n  ${result.findings.join('\n  ')}`);
  if (stats.unexpected.length) console.log(`unexpected answers:\n  ${stats.unexpected.join('\n  ')}`);
  const resultsDir = join(root, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const summary = { label: values.label, at: new Date().toISOString(), minutes, passed: ok, table: Object.fromEntries(rows), findings: result.findings, unexpected: stats.unexpected, statuses: stats.statuses };
  writeFileSync(join(resultsDir, `chaos-${values.label}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(
    join(resultsDir, `chaos-${values.label}.md`),
    `# Chaos run (${values.label}), ${summary.at}\n\n${ok ? 'PASSED' : 'FAILED'}: ${minutes} min of load and faults on loopback (${production ? 'Temporal server on PostgreSQL, S3 store, Redis' : 'Temporal dev server'}, 2 workers, 2 API processes, ${teams.length} teams × ${clientsPerTeam} clients).\n\n| measure | value |\n|---|---|\n${rows.map(([k, v]) => `| ${k.trim()} | ${v} |`).join('\n')}\n`,
  );
  say(`${ok ? 'PASSED' : 'FAILED'}; results in results/chaos-${values.label}.{json,md}; process logs in ${runDir}`);
} catch (err) {
  console.error(err);
} finally {
  await cluster?.stop();
  await shape?.stop();
  await receiver.stop();
  process.exit(ok ? 0 : 1);
}
