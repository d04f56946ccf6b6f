/**
 * `npm test`: makes sure the Temporal CLI exists (building it once if needed) and, for the browser
 * tests, Debian's Chromium (scripts/ensure-chromium.ts installs it with apt-get), type-checks, runs
 * every test file with node's test runner against real, ephemeral Temporal dev servers, then the
 * end-to-end files against the real Temporal server on PostgreSQL (scripts/test-postgres.ts) when
 * PostgreSQL is reachable (required when CI=true; TEST_POSTGRES=0 skips it), then the smoke tests
 * on Node.js 22 (scripts/node22.ts; TEST_NODE22=0 skips it). Ends with one line counting every
 * test of all runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE22_VERSION, ensureNode22 } from './node22.js';
import { ensureTemporalCli } from './temporal/cli.js';
import { ensureChromium } from './ensure-chromium.js';
import { postgresReachable } from './temporal/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const totals = { passed: 0, failed: 0 };

/** Runs a child (node itself by default), echoing its output, and adds the test runner's summary to the totals. */
function run(args: string[], env: NodeJS.ProcessEnv, node = process.execPath): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      for (const [, kind, n] of chunk.toString().matchAll(/^ℹ (pass|fail) (\d+)$/gm)) totals[kind === 'pass' ? 'passed' : 'failed'] += Number(n);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const cli = await ensureTemporalCli((line) => console.log(line)).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});

console.log('[test] type-checking');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const only = process.argv.slice(2);
/** Test files by kind, fastest first: unit, workflow, http, browser (the console in Chromium), ops. */
const KINDS = ['unit', 'workflow', 'http', 'browser', 'ops'];
const files = only.length
  ? only
  : KINDS.flatMap((kind) =>
      readdirSync(join(root, 'test', kind))
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => join('test', kind, f)),
    );
if (files.some((f) => f.includes('test/browser/'))) {
  try {
    ensureChromium((line) => console.log(line));
  } catch (err) {
    console.error(`[test] ${(err as Error).message}`);
    process.exit(1);
  }
}
const env = { ...process.env, TEMPORAL_CLI_PATH: cli };
console.log(`[test] ${files.length} files against Temporal dev servers from ${cli}`);
let code = await run(['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], env);

if (only.length === 0 && process.env.TEST_POSTGRES !== '0') {
  if (await postgresReachable()) {
    console.log('[test] the end-to-end files again, against the Temporal server on PostgreSQL');
    code = (await run(['--import', 'tsx', 'scripts/test-postgres.ts'], env)) || code;
  } else if (process.env.CI) {
    console.error('[test] PostgreSQL is not reachable at 127.0.0.1:5432 (PGHOST/PGPORT): the PostgreSQL suite is required in CI');
    code = code || 1;
  } else {
    console.log('[test] PostgreSQL is not reachable: skipping the Temporal-on-PostgreSQL suite (npm run test:postgres)');
  }
}
/** What must pass on the other supported Node.js version too: the end-to-end smoke test and the blob stores. */
const NODE22_FILES = ['test/http/smoke.test.ts', 'test/ops/blob-stores.test.ts'];
if (only.length === 0 && process.env.TEST_NODE22 !== '0') {
  const node22 = ensureNode22((line) => console.log(line));
  console.log(`[test] ${NODE22_FILES.join(' ')} again on Node.js ${NODE22_VERSION} (${node22})`);
  code = (await run(['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...NODE22_FILES], env, node22)) || code;
}
console.log(`\nTotal: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(code);
