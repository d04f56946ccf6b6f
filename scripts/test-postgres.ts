/**
 * The end-to-end tests against production-shaped Temporal: the real server on local PostgreSQL
 * (scripts/temporal/server.ts), on databases dropped and recreated every run, instead of
 * ephemeral dev servers. `node --import tsx scripts/test-postgres.ts [test files…]`; exits non-zero
 * when any test failed.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { type PostgresTemporal, startPostgresTemporal } from './temporal/server.js';

type DynamicConfig = Record<string, string | number | boolean>;

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (line: string) => console.log(line);

/**
 * Every file that runs against a stack: test/http and test/workflow (chaos, bench-smoke and the
 * browser tests start their own dev servers). busy-team needs the server's default in-flight
 * Update limit, which this server raises for every other file.
 */
const DEFAULT_FILES = ['http', 'workflow'].flatMap((kind) =>
  readdirSync(join(root, 'test', kind))
    .filter((f) => f.endsWith('.test.ts') && f !== 'busy-team.test.ts')
    .sort()
    .map((f) => `test/${kind}/${f}`),
);

/**
 * The dynamic config these files ask startStack for. A server's dynamic config is fixed when it
 * starts, so they run on a restarted server each; test/support/external-temporal.ts fails a test
 * whose values differ from these, so they cannot drift silently.
 */
const FILE_DYNAMIC_CONFIG: Record<string, DynamicConfig> = {
  'test/workflow/continue-as-new.test.ts': { 'limit.historyCount.suggestContinueAsNew': 40 },
  'test/http/audit-trail.test.ts': { 'limit.historyCount.suggestContinueAsNew': 50 },
  'test/workflow/replay.test.ts': { 'limit.historyCount.suggestContinueAsNew': 60 },
};

interface Run {
  files: string[];
  dynamicConfig: DynamicConfig;
}

/** The files grouped by the dynamic config they need, in order; one server start per group. */
function plan(files: string[]): Run[] {
  const runs = new Map<string, Run>();
  for (const file of files) {
    const dynamicConfig = FILE_DYNAMIC_CONFIG[file.replace(/^\.\//, '')] ?? {};
    const key = JSON.stringify(dynamicConfig);
    if (!runs.has(key)) runs.set(key, { files: [], dynamicConfig });
    runs.get(key)!.files.push(file);
  }
  return [...runs.values()];
}

let temporal: PostgresTemporal | undefined;

/** Stops the current server; its log stays (and is named) when something failed. */
async function stopTemporal(keepLogs: boolean): Promise<void> {
  const current = temporal;
  temporal = undefined;
  if (!current) return;
  say('[test-postgres] stopping the Temporal server');
  await current.stop({ keepLogs });
  if (keepLogs) say(`[test-postgres] server log kept: ${current.logFile}`);
}

// Ctrl-C reaches the test runner too (same process group); the server must not outlive this script.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopTemporal(true).then(() => process.exit(130)));
}

function runTests(run: Run, server: PostgresTemporal): Promise<number> {
  say(`[test-postgres] ${run.files.length} test files against ${server.address}: ${run.files.join(' ')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...run.files], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      TEMPORAL_TEST_ADDRESS: server.address,
      TEMPORAL_TEST_NAMESPACE: server.namespace,
      TEMPORAL_TEST_DYNAMIC_CONFIG: JSON.stringify(run.dynamicConfig),
    },
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Workflows in the namespace; if a run adds none, its tests ran against dev servers instead. */
async function workflowCount(server: PostgresTemporal): Promise<number> {
  const connection = await Connection.connect({ address: server.address });
  try {
    const { count } = await connection.workflowService.countWorkflowExecutions({ namespace: server.namespace, query: '' });
    return Number(count ?? 0);
  } finally {
    await connection.close();
  }
}

let failed = false;
try {
  const files = process.argv.slice(2);
  for (const run of plan(files.length ? files : DEFAULT_FILES)) {
    const extra = Object.entries(run.dynamicConfig).map(([key, value]) => `${key}=${value}`);
    say(`[test-postgres] Temporal on PostgreSQL, fresh databases${extra.length ? `, dynamic config ${extra.join(' ')}` : ''}`);
    const started = Date.now();
    // Fresh for every group too: a server restarted on the same databases within 20 s of a stop
    // first tries to join the stopped server's membership entries, which costs up to a minute.
    temporal = await startPostgresTemporal({ say, fresh: true, dynamicConfig: run.dynamicConfig });
    say(`[test-postgres] ready in ${Math.round((Date.now() - started) / 1000)} s`);
    const before = await workflowCount(temporal);
    const code = await runTests(run, temporal);
    const added = (await workflowCount(temporal)) - before;
    say(`[test-postgres] ${code === 0 ? 'passed' : `failed (exit ${code})`}; ${added} workflows ran on Temporal on PostgreSQL`);
    if (added <= 0) console.error('[test-postgres] the tests started no workflow on this server: test/support/stack.ts must honour TEMPORAL_TEST_ADDRESS');
    const runFailed = code !== 0 || added <= 0;
    failed ||= runFailed;
    await stopTemporal(runFailed);
  }
} catch (err) {
  console.error(`[test-postgres] ${(err as Error).message}`);
  failed = true;
} finally {
  await stopTemporal(true);
}
say(`[test-postgres] ${failed ? 'FAILED' : 'all passed'}`);
process.exit(failed ? 1 : 0);
