/**
 * Finds the official Temporal CLI (dev server + Web UI), or builds it from its Go module, pinned.
 * Order: TEMPORAL_CLI_PATH, the cached build, `temporal` on PATH, then `go install` into the cache
 * (outside the checkout, so every clone on the machine reuses it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The newest CLI `go install` accepts (later ones carry a `replace` directive); embeds server 1.29.1. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.TEMPORAL_CLI_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'aurous', 'temporal-cli');
  return join(base, TEMPORAL_CLI_VERSION);
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Go on PATH, or where its official installer puts it. */
export function findGo(env: NodeJS.ProcessEnv): string | null {
  return onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
}

/** The path of a usable `temporal` binary, building it when none exists. `say` narrates. */
export async function ensureTemporalCli(say: (line: string) => void = (l) => console.error(l), env = process.env): Promise<string> {
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH)) throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file.`);
    return env.TEMPORAL_CLI_PATH;
  }
  const cacheDir = temporalCliCacheDir(env);
  const cached = join(cacheDir, 'temporal');
  if (isExecutable(cached)) return cached;
  const fromPath = onPath('temporal', env);
  if (fromPath) {
    say(`[temporal] using ${fromPath} from PATH`);
    return fromPath;
  }
  const go = findGo(env);
  if (!go) {
    throw new Error(
      [
        'No Temporal CLI found, and Go is not installed to build one.',
        `Either install Go (https://go.dev/doc/install) and rerun: the Temporal CLI ${TEMPORAL_CLI_VERSION} is then built once into ${cacheDir};`,
        'or install the Temporal CLI yourself and set TEMPORAL_CLI_PATH=/path/to/temporal (or put it on PATH).',
      ].join('\n'),
    );
  }
  say(`[temporal] building the Temporal CLI ${TEMPORAL_CLI_VERSION} (dev server + Web UI) from its Go module into ${cacheDir}`);
  say('[temporal] this happens once per machine and takes a few minutes; later runs reuse the build');
  const started = Date.now();
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(join(cacheDir, '.build-'));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(go, ['install', '-ldflags', `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION.slice(1)}`, `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...env, GOBIN: staging },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const ticker = setInterval(() => say(`[temporal] still building… ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
      child.on('error', reject);
      child.on('exit', (c) => {
        clearInterval(ticker);
        resolve(c);
      });
    });
    if (code !== 0) throw new Error(`go install ${MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${code}); see the output above.`);
    renameSync(join(staging, 'temporal'), cached);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const version = spawnSync(cached, ['--version'], { encoding: 'utf8' }).stdout.trim();
  say(`[temporal] built ${version} in ${Math.round((Date.now() - started) / 1000)} s → ${cached}`);
  return cached;
}
