/** API processes as separate OS processes against a test stack's Temporal, for crash and scale-out tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiClient } from './http.js';
import { TEST_FILE_URL_SECRET, type TestStack } from './stack.js';

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
