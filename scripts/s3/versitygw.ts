/**
 * A real S3-compatible server for development and tests: Versity's gateway (versitygw) over a
 * local folder (its posix backend), built from its Go module, pinned, into a cache outside the
 * checkout like the Temporal CLI (scripts/temporal/go-install.ts). Its settings are the ones
 * docker-compose.temporal.yml gives the same server (test/ops/compose.test.ts compares them).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { S3BlobStore } from '../../activities/blobs/s3.js';
import { ensureGoBinary, type GoBinary } from '../temporal/go-install.js';

export const VERSITYGW_VERSION = 'v1.8.0';

const VERSITYGW: GoBinary = {
  label: 'S3 server (versitygw)',
  pkg: 'github.com/versity/versitygw/cmd/versitygw',
  version: VERSITYGW_VERSION,
  goName: 'versitygw',
  name: 'versitygw',
  pathVar: 'VERSITYGW_PATH',
  cache: { folder: 'versitygw', variable: 'VERSITYGW_CACHE' },
  tag: 's3',
};

/** The development credentials and bucket: the scripts and docker-compose.temporal.yml use these. */
export const DEV_S3 = { accessKeyId: 'aurous-dev', secretAccessKey: 'aurous-dev-secret-key', region: 'us-east-1', bucket: 'aurous-blobs' } as const;

/** The path of a usable versitygw binary, building it when none exists. `say` narrates. */
export function ensureVersitygw(say: (line: string) => void = (l) => console.error(l), env = process.env): Promise<string> {
  return ensureGoBinary(VERSITYGW, say, env);
}

export interface S3Server {
  endpoint: string;
  /** The environment an API or worker process needs to use this server's bucket. */
  env: Record<string, string>;
  /** The folder holding the buckets (one sub-folder each). */
  dataDir: string;
  logFile: string;
  /** Stops it as a crash would (SIGKILL), or gracefully; the data folder stays until `stop`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and folder, after `kill`. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface S3ServerOptions {
  say?: (line: string) => void;
  /** The buckets' folder; a new temporary one (removed by `stop`) by default. */
  dataDir?: string;
  port?: number;
  bucket?: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHttp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`versitygw exited (${child.exitCode ?? child.signalCode}) before answering`);
    // Any HTTP answer (an unsigned request gets 403) means it serves.
    if (await fetch(endpoint).then(() => true, () => false)) return;
    await sleep(100);
  }
  throw new Error(`versitygw did not answer at ${endpoint} within ${timeoutMs} ms`);
}

/** Starts versitygw on a loopback port over a folder, and makes the bucket. */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const say = options.say ?? ((l: string) => console.error(l));
  const binary = await ensureVersitygw(say);
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'aurous-s3-')));
  const root = join(dataDir, 'buckets');
  await mkdir(root, { recursive: true });
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const logFile = join(dataDir, 'versitygw.log');
  const bucket = options.bucket ?? DEV_S3.bucket;
  let child: ChildProcess;

  const launch = async () => {
    const log = createWriteStream(logFile, { flags: 'a' });
    child = spawn(binary, ['--port', `127.0.0.1:${port}`, '--region', DEV_S3.region, 'posix', root], {
      // The root credentials through the environment, so they never show in `ps`.
      env: { ...process.env, ROOT_ACCESS_KEY_ID: DEV_S3.accessKeyId, ROOT_SECRET_ACCESS_KEY: DEV_S3.secretAccessKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    await waitForHttp(endpoint, child, 20_000);
  };
  const exited = () => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

  await launch();
  const env = {
    BLOB_STORE: 's3',
    S3_ENDPOINT: endpoint,
    S3_BUCKET: bucket,
    S3_REGION: DEV_S3.region,
    S3_ACCESS_KEY_ID: DEV_S3.accessKeyId,
    S3_SECRET_ACCESS_KEY: DEV_S3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
  const admin = new S3BlobStore({ bucket, region: DEV_S3.region, endpoint, credentials: DEV_S3, forcePathStyle: true });
  await admin.ensureBucket();
  admin.close();
  say(`[s3] versitygw ${VERSITYGW_VERSION} serving ${endpoint}, bucket ${bucket} in ${root}`);

  return {
    endpoint,
    env,
    dataDir,
    logFile,
    async kill(signal = 'SIGKILL') {
      child.kill(signal);
      await exited();
    },
    restart: launch,
    async stop() {
      child.kill('SIGTERM');
      await exited();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
