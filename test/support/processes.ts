/** API and worker processes as separate OS processes against a test stack's Temporal, for crash and scale-out tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiClient } from './http.js';
import { TEST_FILE_URL_SECRET, type TestStack, workflowBundle } from './stack.js';

export interface ApiProcess {
  url: string;
  /** Every line the process wrote to stdout (its JSON logs). */
  logs: string[];
  child: ChildProcess;
  client(apiKey: string): ApiClient;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function spawnApi(stack: TestStack, options: { entry?: string; env?: Record<string, string> } = {}): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'api/main.ts'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      API_PORT: '0',
      API_METRICS_ADDRESS: '',
      BLOB_DIR: stack.blobDir,
      DATA_DIR: await mkdtemp(join(tmpdir(), 'aurous-api-')),
      FILE_URL_SECRET: TEST_FILE_URL_SECRET,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'api listening' && entry.url) resolve(entry.url);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`API process exited (${code}) before listening`)));
  });
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

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** A worker process (worker/main.ts) on the stack's task queue, with the fast renderer; resolves once it polls. */
export async function spawnWorker(stack: TestStack): Promise<WorkerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'aurous-worker-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeFile(bundlePath, (await workflowBundle()).code);
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_NAMESPACE: stack.env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      BLOB_DIR: stack.blobDir,
      DATA_DIR: dir,
      WORKFLOW_BUNDLE: bundlePath,
      RENDERER_LATENCY_MS: '20',
      RENDERER_SIZE: '96',
      WORKER_METRICS_ADDRESS: '',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"worker polling"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before polling`)));
  });
  return {
    child,
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
