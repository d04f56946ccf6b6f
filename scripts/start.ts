/**
 * `npm start`: the whole stack with embedded defaults. A Temporal dev server (SQLite under data/,
 * Web UI) unless TEMPORAL_ADDRESS names a cluster, then a worker and the API as child processes.
 * Ctrl-C stops all of them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../platform/config.js';
import { devServerDynamicConfig, devServerSqlitePragmas } from './temporal/dev-server.js';
import { ensureTemporalCli } from './temporal/cli.js';
import { registerSearchAttributes } from '../platform/temporal-setup.js';
import { Tenancy } from '../api/use-cases/tenancy.js';
import { ID_PREFIX } from '../domain/ids.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig();
const say = (line: string) => console.log(line);
const children: { name: string; process: ChildProcess }[] = [];
let stopping = false;

function launch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push({ name, process: child });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[start] ${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the stack`);
    void stop(1);
  });
  return child;
}

async function stop(code: number): Promise<never> {
  stopping = true;
  // Reverse order: the API and worker drain before the server they talk to goes away.
  for (const { name, process: child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if ((await Promise.race([exited, sleep(15_000, 'timeout')])) === 'timeout') {
      console.error(`[start] ${name} did not stop within 15 s; killing it`);
      child.kill('SIGKILL');
      await exited;
    }
  }
  process.exit(code);
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
// npm does not always pass a SIGTERM on to us: if whoever started us is gone, stop too.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && void stop(0), 1000).unref();

async function connectWithRetry(address: string, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} did not answer within ${timeoutMs / 1000} s: ${(err as Error).message}`);
      await sleep(250);
    }
  }
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = await response.text();
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${url} did not become ready within ${timeoutMs / 1000} s: ${last}`);
}

try {
  const owned = !config.TEMPORAL_ADDRESS;
  if (owned) {
    const cli = await ensureTemporalCli(say);
    mkdirSync(config.DATA_DIR, { recursive: true });
    const db = join(config.DATA_DIR, 'temporal.db');
    say(`[start] Temporal dev server on ${config.temporalAddress}, state in ${db}`);
    launch('temporal', cli, [
      'server',
      'start-dev',
      '--db-filename',
      db,
      '--ip',
      '127.0.0.1',
      '--port',
      String(config.TEMPORAL_PORT),
      '--ui-port',
      String(config.TEMPORAL_UI_PORT),
      '--namespace',
      config.TEMPORAL_NAMESPACE,
      '--log-level',
      'warn',
      ...devServerDynamicConfig(),
      ...devServerSqlitePragmas(),
    ]);
  } else {
    say(`[start] using the Temporal cluster at ${config.temporalAddress} (no dev server started)`);
  }
  const connection = await connectWithRetry(config.temporalAddress, 60_000);
  const added = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  if (added.length) say(`[start] registered search attributes: ${added.join(', ')}`);

  // Local development: webhooks may go to a receiver on this machine (http, loopback). Never in production.
  const env = { ...process.env, TEMPORAL_ADDRESS: config.temporalAddress, DATA_DIR: config.DATA_DIR, WEBHOOK_ALLOW_PRIVATE_URLS: process.env.WEBHOOK_ALLOW_PRIVATE_URLS ?? 'true' };
  const node = (entry: string) => ['--import', 'tsx', join(root, entry)];
  launch('worker', process.execPath, node('worker/main.ts'), env);
  launch('api', process.execPath, node('api/main.ts'), env);
  const apiUrl = `http://${config.API_HOST === '0.0.0.0' ? '127.0.0.1' : config.API_HOST}:${config.API_PORT}`;
  await waitReady(`${apiUrl}/readyz`, 120_000);

  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const tenancy = new Tenancy({ client, taskQueue: config.TEMPORAL_TASK_QUEUE });
  say('');
  say(`  Console      ${apiUrl}/console   (sign in with an API key)`);
  say(`  API          ${apiUrl}   (ready: ${apiUrl}/readyz, reference: ${apiUrl}/docs)`);
  if (env.WEBHOOK_ALLOW_PRIVATE_URLS === 'true') say('  Webhooks     may target http and private/loopback addresses (WEBHOOK_ALLOW_PRIVATE_URLS=true, for local development only)');
  if (owned) say(`  Temporal UI  http://127.0.0.1:${config.TEMPORAL_UI_PORT}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`);
  if ((await tenancy.countTeams()) === 0) {
    const team = await tenancy.createTeam({ name: 'Development', credits: config.DEV_TEAM_CREDITS });
    say(`  Dev team     ${team.teamId} with ${config.DEV_TEAM_CREDITS} credits`);
    say(`  API key      ${team.apiKey}   (shown once; keys are stored only as hashes)`);
    say('');
    say(`  Try: curl -s ${apiUrl}/v1/characters -H 'X-Api-Key: ${team.apiKey}' -H 'Content-Type: application/json' \\`);
    say(`         -d '{"name":"Aurora","generate":true,"attributes":{"hair_color":"black","eye_color":"brown"}}'`);
  } else {
    say(`  Teams exist already; make a key with: npm run admin -- key create --team ${ID_PREFIX.team}…  (list teams: npm run admin -- team list)`);
  }
  say('');
  say('[start] running; Ctrl-C stops everything');
} catch (err) {
  console.error(`[start] ${(err as Error).message}`);
  await stop(1);
}
