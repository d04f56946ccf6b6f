/**
 * Finds a pinned Go-built binary, or builds it once with `go install` into a cache outside the
 * checkout (every clone on the machine reuses it). Order: the override variable, the cache, PATH,
 * then the build. Used for the Temporal CLI and for the Temporal server and its SQL tool.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface GoBinary {
  /** What it is, in the narration: "Temporal CLI". */
  label: string;
  /** The Go package to install, without the version. */
  pkg: string;
  version: string;
  /** The file `go install` produces, and the name it is cached (and looked up on PATH) under. */
  goName: string;
  name: string;
  /** The environment variable that points at an existing binary instead. */
  pathVar: string;
  /** The cache folder's name under `~/.cache/aurous/`, and the variable that moves it. */
  cache: { folder: string; variable: string };
  ldflags?: string;
  /** The prefix of its narration lines. */
  tag: string;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Go on PATH, or where its official installer puts it. */
function findGo(env: NodeJS.ProcessEnv): string | null {
  return onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
}

export function cacheDirOf(binary: GoBinary, env: NodeJS.ProcessEnv = process.env): string {
  const base = env[binary.cache.variable] ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'aurous', binary.cache.folder);
  return join(base, binary.version);
}

/** The path of `binary`, building it when none exists. `say` narrates (the first build takes minutes). */
export async function ensureGoBinary(binary: GoBinary, say: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const explicit = env[binary.pathVar];
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`${binary.pathVar}=${explicit} is not an executable file.`);
    return explicit;
  }
  const cacheDir = cacheDirOf(binary, env);
  const cached = join(cacheDir, binary.name);
  if (isExecutable(cached)) return cached;
  const fromPath = onPath(binary.name, env);
  if (fromPath) {
    say(`[${binary.tag}] using ${fromPath} from PATH`);
    return fromPath;
  }
  const go = findGo(env);
  if (!go) {
    throw new Error(
      [
        `No ${binary.label} found, and Go is not installed to build one.`,
        `Either install Go (https://go.dev/doc/install) and rerun: the ${binary.label} ${binary.version} is then built once into ${cacheDir};`,
        `or set ${binary.pathVar}=/path/to/${binary.name} (or put ${binary.name} on PATH).`,
      ].join('\n'),
    );
  }
  const target = `${binary.pkg}@${binary.version}`;
  say(`[${binary.tag}] building the ${binary.label} ${binary.version} from ${binary.pkg} into ${cacheDir}`);
  say(`[${binary.tag}] this happens once per machine and takes minutes on 2 cores; later runs reuse the build`);
  const started = Date.now();
  mkdirSync(cacheDir, { recursive: true });
  // A staging directory, so an interrupted build never leaves a half-written binary in the cache.
  const staging = mkdtempSync(join(cacheDir, '.build-'));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const args = ['install', ...(binary.ldflags ? ['-ldflags', binary.ldflags] : []), target];
      const child = spawn(go, args, { env: { ...env, GOBIN: staging }, stdio: ['ignore', 'inherit', 'inherit'] });
      const ticker = setInterval(() => say(`[${binary.tag}] still building the ${binary.label}… ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
      child.on('error', reject);
      child.on('exit', (c) => {
        clearInterval(ticker);
        resolve(c);
      });
    });
    if (code !== 0) throw new Error(`go install ${target} failed (exit ${code}); see the output above.`);
    renameSync(join(staging, binary.goName), cached);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  say(`[${binary.tag}] built the ${binary.label} in ${Math.round((Date.now() - started) / 1000)} s → ${cached}`);
  return cached;
}
