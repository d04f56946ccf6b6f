/**
 * API and worker processes as separate OS processes, for crash, scale-out and two-host tests:
 * against a test stack's Temporal and blob folder, or against any `Host` (test/ops/two-hosts.test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ApiClient } from './http.js';
import { TEST_FILE_URL_SECRET, type TestStack, workflowBundle } from './stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Absolute, so a process whose working folder is elsewhere still finds the loader.
const TSX = import.meta.resolve('tsx');

/** What a process needs to join a deployment: where Temporal is, and the blob store's settings. */
export interface Host {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** BLOB_DIR, or BLOB_STORE=s3 with its S3_* settings. */
  blobEnv: Record<string, string>;
  /** The process's working folder and DATA_DIR; a new temporary folder when unset. */
  dir?: string;
}

export function hostOf(stack: TestStack): Host {
  return { temporalAddress: stack.env.address, namespace: stack.env.namespace ?? 'default', taskQueue: stack.taskQueue, blobEnv: { BLOB_DIR: stack.blobDir } };
}

export interface ApiProcess {
  url: string;
  /** Every line the process wrote to stdout (its JSON logs). */
  logs: string[];
  child: ChildProcess;
  client(apiKey: string): ApiClient;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Every line the process wrote to stdout (its JSON logs). */
  logs: string[];
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Spawns `entry` with the host's settings and resolves with the first log line `ready` accepts. */
async function spawnProcess(host: Host, entry: string, env: Record<string, string>, ready: (entry: Record<string, unknown>) => boolean) {
  const dir = host.dir ?? (await mkdtemp(join(tmpdir(), 'aurous-host-')));
  const child = spawn(process.execPath, ['--import', TSX, resolve(ROOT, entry)], {
    cwd: dir,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: host.temporalAddress,
      TEMPORAL_NAMESPACE: host.namespace,
      TEMPORAL_TASK_QUEUE: host.taskQueue,
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
      ...host.blobEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs: string[] = [];
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (ready(parsed)) resolve(parsed);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before it was ready`)));
  });
  return { child, exited, logs, dir, first };
}

export async function spawnApiOn(host: Host, options: { entry?: string; env?: Record<string, string> } = {}): Promise<ApiProcess> {
  const env = { API_PORT: '0', API_METRICS_ADDRESS: '', FILE_URL_SECRET: TEST_FILE_URL_SECRET, ...options.env };
  const { child, exited, logs, first } = await spawnProcess(host, options.entry ?? 'api/main.ts', env, (e) => e.msg === 'api listening' && typeof e.url === 'string');
  const url = first.url as string;
  return {
    url,
    logs,
    child,
    exited,
    client: (apiKey) => new ApiClient(url, apiKey),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export function spawnApi(stack: TestStack, options: { entry?: string; env?: Record<string, string> } = {}): Promise<ApiProcess> {
  return spawnApiOn(hostOf(stack), options);
}

/** A worker process (worker/main.ts) with the fast renderer and the tests' workflow bundle; resolves once it polls. */
export async function spawnWorkerOn(host: Host, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const bundleDir = await mkdtemp(join(tmpdir(), 'aurous-bundle-'));
  const bundlePath = join(bundleDir, 'workflow-bundle.js');
  await writeFile(bundlePath, (await workflowBundle()).code);
  const settings = { WORKFLOW_BUNDLE: bundlePath, RENDERER_LATENCY_MS: '20', RENDERER_SIZE: '96', WORKER_METRICS_ADDRESS: '', ...env };
  const { child, exited, logs } = await spawnProcess(host, 'worker/main.ts', settings, (e) => e.msg === 'worker polling');
  return {
    child,
    logs,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

export function spawnWorker(stack: TestStack): Promise<WorkerProcess> {
  return spawnWorkerOn(hostOf(stack));
}
