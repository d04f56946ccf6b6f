/**
 * The browser tests drive Debian's Chromium at /usr/bin/chromium. When it is missing, this installs
 * Debian's `chromium` package with apt-get (after `apt-get update`), so a fresh machine and CI run
 * the browser tests without a browser download of their own. Run directly:
 * `node --import tsx scripts/ensure-chromium.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

// Other sessions on the machine may hold the dpkg lock; wait for it rather than fail.
const APT = ['-o', 'DPkg::Lock::Timeout=600', '-o', 'Acquire::Retries=3'];

function apt(args: string[], say: (line: string) => void): void {
  say(`[chromium] apt-get ${args.join(' ')}`);
  const result = spawnSync('apt-get', [...APT, ...args], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}); install Debian's chromium package by hand`);
}

/** Installs Debian's `chromium` package unless /usr/bin/chromium exists; returns its path. */
export function ensureChromium(say: (line: string) => void = console.log): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM_PATH} is missing and installing Debian's chromium package needs root: apt-get install chromium`);
  say(`[chromium] ${CHROMIUM_PATH} is missing: installing Debian's chromium package for the browser tests (once per machine)`);
  apt(['update'], say);
  apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'], say);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureChromium();
