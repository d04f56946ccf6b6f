/**
 * Node.js 22 LTS for running the tests on the other supported version, from the npm registry's
 * `node` package only (its install step brings the binary as the `node-<os>-<arch>` package of the
 * same registry), installed once into a cache outside the checkout like the Go-built tools.
 * `npm test` runs the smoke tests on it (scripts/test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isExecutable } from './temporal/go-install.js';

/** The newest 22.x the registry's `node` package had when this was pinned. */
export const NODE22_VERSION = '22.23.3';

function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.NODE22_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'aurous', 'node');
  return join(base, NODE22_VERSION);
}

const binaryIn = (dir: string) => join(dir, 'node_modules', 'node', 'bin', 'node');

/** The path of a Node 22 binary, installing it with npm when the cache has none. */
export function ensureNode22(say: (line: string) => void = (l) => console.error(l), env = process.env): string {
  if (env.NODE22_PATH) return env.NODE22_PATH;
  const dir = cacheDir(env);
  if (isExecutable(binaryIn(dir))) return binaryIn(dir);
  say(`[node22] installing node@${NODE22_VERSION} from the npm registry into ${dir} (once per machine, about 10 s)`);
  mkdirSync(join(dir, '..'), { recursive: true });
  // Staged, so an interrupted install never leaves a half-written cache entry.
  const staging = mkdtempSync(join(dir, '..', `.install-${NODE22_VERSION}-`));
  try {
    const npm = spawnSync('npm', ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${NODE22_VERSION}`], { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (npm.status !== 0) throw new Error(`npm install node@${NODE22_VERSION} failed (exit ${npm.status})`);
    const version = spawnSync(binaryIn(staging), ['--version'], { encoding: 'utf8' }).stdout?.trim();
    if (version !== `v${NODE22_VERSION}`) throw new Error(`node@${NODE22_VERSION} installed, but its binary says ${version ?? 'nothing'}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binaryIn(dir);
}
