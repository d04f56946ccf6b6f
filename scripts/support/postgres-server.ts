/**
 * A PostgreSQL server of its own, from the machine's PostgreSQL binaries, in a folder of the run:
 * what a chaos run can SIGKILL and start again (crash recovery from its WAL) without touching the
 * machine's shared PostgreSQL. Trust authentication on loopback only; gone with its folder.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  /** Ends the server as a crash would (SIGKILL of the postmaster and every backend), or by a shutdown signal. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same folder and port; resolves once it accepts connections. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The newest installed PostgreSQL's binaries (Debian keeps them out of PATH). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries under ${root} (Debian package postgresql)`);
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0]!, 'bin');
}

/** PostgreSQL refuses to run as root: as root, its folder and process belong to the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Initialises a cluster in `dir` (once) and starts it on `port` of 127.0.0.1. As root, `dir` is
 * handed to the `postgres` user, who must be able to reach it (not under a folder only root enters).
 */
export async function startPostgresServer(dir: string, port: number, say: (line: string) => void): Promise<PostgresServer> {
  const bin = binDir();
  const owner = runAs();
  const data = join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  if (owner) chownSync(dir, owner.uid, owner.gid);
  if (!existsSync(join(data, 'PG_VERSION'))) {
    say(`[postgres] initdb ${data}`);
    try {
      execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { stdio: 'pipe', ...owner });
    } catch (err) {
      throw new Error(`initdb ${data} failed: ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
    }
  }
  const log = createWriteStream(join(dir, 'postgres.log'), { flags: 'a' });
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'max_connections=200', '-c', 'fsync=on'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a kill takes the backends with the postmaster, as a crash would.
      detached: true,
      ...owner,
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const deadline = Date.now() + 60_000;
    while (!(await accepting(port))) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}); see ${join(dir, 'postgres.log')}`);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections on ${port} within 60 s`);
      await sleep(100);
    }
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (signal === 'SIGKILL') process.kill(-child.pid!, 'SIGKILL');
    else child.kill(signal);
    await exited;
  };
  await launch();
  say(`[postgres] PostgreSQL of its own on 127.0.0.1:${port} (${data})`);
  return { host: '127.0.0.1', port, user: 'postgres', kill, restart: launch, stop: () => kill('SIGINT') };
}
