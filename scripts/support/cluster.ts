/**
 * The real stack as separate OS processes, on loopback: a Temporal dev server on its own SQLite
 * file, workers and API processes, each of which the chaos run can kill and bring back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { devServerDynamicConfig, devServerSqlitePragmas } from '../temporal/dev-server.js';
import { ensureTemporalCli } from '../temporal/cli.js';
import { registerSearchAttributes } from '../../platform/temporal-setup.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every child this harness started and has not seen exit; killed if the harness is told to stop. */
const running = new Set<ChildProcess>();
let stopHooked = false;
function killChildrenOnStop(): void {
  if (stopHooked) return;
  stopHooked = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill('SIGKILL');
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[signal]);
    });
  }
}

export class Managed {
  child: ChildProcess | null = null;
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    public env: NodeJS.ProcessEnv,
    logDir: string,
    /** Where it runs: this checkout, or another one (a before/after bench runs an older commit). */
    private readonly cwd = root,
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  start(): void {
    killChildrenOnStop();
    const child = spawn(this.command, this.args, { cwd: this.cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.child = child;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

export interface ClusterOptions {
  runDir: string;
  workers: number;
  apis: number;
  workerEnv: Record<string, string>;
  apiEnv: Record<string, string>;
  taskQueue?: string;
  /** Extra dev-server flags. */
  temporalArgs?: string[];
  /** The database file's pragmas; the project's defaults unless given ({} for SQLite's own). */
  sqlitePragmas?: Readonly<Record<string, string>>;
  /** Node flags for the workers, e.g. `['--cpu-prof']` (Node refuses that one in NODE_OPTIONS). */
  workerNodeArgs?: string[];
  /** A Temporal already running there (e.g. the server on PostgreSQL): no dev server is started. */
  temporalAddress?: string;
}

export class Cluster {
  /** The dev server this cluster started; none when given `temporalAddress`. */
  temporal?: Managed;
  readonly workers: Managed[] = [];
  readonly apis: Managed[] = [];
  readonly apiUrls: string[] = [];
  address = '';
  client!: Client;
  private connection!: Connection;

  constructor(private readonly options: ClusterOptions) {}

  async start(): Promise<void> {
    const { runDir } = this.options;
    if (this.options.temporalAddress) this.address = this.options.temporalAddress;
    else await this.startDevServer(runDir);
    this.connection = await this.waitForTemporal();
    await registerSearchAttributes(this.connection, 'default');
    this.client = new Client({ connection: this.connection });

    const common = { ...process.env, TEMPORAL_ADDRESS: this.address, DATA_DIR: runDir, TEMPORAL_TASK_QUEUE: this.options.taskQueue ?? 'chaos', LOG_LEVEL: 'info' };
    for (let i = 0; i < this.options.workers; i++) {
      const worker = new Managed(`worker-${i}`, process.execPath, [...(this.options.workerNodeArgs ?? []), '--import', 'tsx', 'worker/main.ts'], { ...common, ...this.options.workerEnv }, runDir);
      worker.start();
      this.workers.push(worker);
    }
    for (let i = 0; i < this.options.apis; i++) {
      const apiPort = await freePort();
      // No metrics listener: several APIs on one host would all claim its default port.
      const api = new Managed(`api-${i}`, process.execPath, ['--import', 'tsx', 'api/main.ts'], { ...common, API_METRICS_ADDRESS: '', ...this.options.apiEnv, API_PORT: String(apiPort) }, runDir);
      api.start();
      this.apis.push(api);
      this.apiUrls.push(`http://127.0.0.1:${apiPort}`);
    }
    await Promise.all(this.apiUrls.map((url) => this.waitReady(url)));
  }

  private async startDevServer(runDir: string): Promise<void> {
    const cli = await ensureTemporalCli();
    const port = await freePort();
    this.address = `127.0.0.1:${port}`;
    this.temporal = new Managed(
      'temporal',
      cli,
      ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', join(runDir, 'temporal.db'), '--log-level', 'warn', ...devServerDynamicConfig(), ...devServerSqlitePragmas(this.options.sqlitePragmas), ...(this.options.temporalArgs ?? [])],
      process.env,
      runDir,
    );
    this.temporal.start();
  }

  private async waitForTemporal(): Promise<Connection> {
    for (let attempt = 0; ; attempt++) {
      try {
        const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 });
        await connection.workflowService.getSystemInfo({});
        return connection;
      } catch (err) {
        if (attempt > 120) throw err;
        await sleep(250);
      }
    }
  }

  async waitReady(url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${url}/readyz`)).ok) return;
      } catch {
        // not up yet
      }
      await sleep(200);
    }
    throw new Error(`${url} not ready within ${timeoutMs} ms`);
  }

  async restart(process: Managed, downMs: number): Promise<void> {
    await process.kill('SIGKILL');
    await sleep(downMs);
    process.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apis, ...this.workers].map((p) => p.kill('SIGTERM')));
    await this.connection?.close().catch(() => undefined);
    await this.temporal?.kill('SIGTERM');
  }
}
