/**
 * Temporal as production runs it: the real server (frontend, history, matching and worker services)
 * on PostgreSQL, instead of the CLI's dev server on SQLite. The server and its SQL schema tool are
 * built from the Go module `go.temporal.io/server`, pinned to the version the CLI embeds, into a
 * cache outside the checkout (like the CLI, through go-install.ts); the schemas come embedded in the tool.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { registerSearchAttributes } from '../../platform/temporal-setup.js';
import { PROJECT_DYNAMIC_CONFIG } from './dev-server.js';
import { ensureGoBinary, type GoBinary } from './go-install.js';

/** The server version the Temporal CLI v1.5.1 embeds, so both stores run the same server code. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';
// gRPC status codes; @grpc/grpc-js, which names them, is not a direct dependency.
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;
/** Fixed when a database is first set up; 4 is plenty for one machine (production: 512 or more). */
const NUM_HISTORY_SHARDS = 4;

const binary = (label: string, pkg: string, goName: string, name: string, pathVar: string): GoBinary => ({
  label,
  pkg: `${MODULE}/${pkg}`,
  version: TEMPORAL_SERVER_VERSION,
  goName,
  name,
  pathVar,
  cache: { folder: 'temporal-server', variable: 'TEMPORAL_SERVER_CACHE' },
  tag: 'temporal-server',
});
const SERVER = binary('Temporal server', 'cmd/server', 'server', 'temporal-server', 'TEMPORAL_SERVER_PATH');
const SQL_TOOL = binary('Temporal SQL schema tool', 'cmd/tools/sql', 'sql', 'temporal-sql-tool', 'TEMPORAL_SQL_TOOL_PATH');

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface PostgresTemporalOptions {
  /** Narrates progress; stderr by default. */
  say?: (line: string) => void;
  /** Defaults from the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD, else 127.0.0.1:5432 as postgres. */
  postgres?: Partial<PostgresConnection>;
  /** Default `aurous_temporal`; the visibility database is `<database>_visibility`. */
  database?: string;
  /** Drop and recreate both databases first, so every run starts empty. */
  fresh?: boolean;
  namespace?: string;
  /** Config, dynamic config and server log; a new temporary directory by default. */
  stateDir?: string;
  /** Extra dynamic config, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 40 }`. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** How long the frontend may take to answer after the process starts. */
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface PostgresTemporal {
  /** The frontend's gRPC address, `127.0.0.1:<port>`. */
  address: string;
  namespace: string;
  /** The server process, for its CPU counters. */
  pid: number;
  /** The server's stdout and stderr. */
  logFile: string;
  /** Ends the server as a crash would (SIGKILL by default); `restart` brings it back. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same ports, config and databases, once it serves the namespace. */
  restart(): Promise<void>;
  /** Stops the server; a temporary state directory goes too, unless `keepLogs`. */
  stop(options?: { keepLogs?: boolean }): Promise<void>;
}

/** Whether PostgreSQL answers at PGHOST:PGPORT (127.0.0.1:5432 by default). */
export function postgresReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: process.env.PGHOST ?? '127.0.0.1', port: Number(process.env.PGPORT ?? 5432) });
    const answer = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(2000);
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    socket.once('timeout', () => answer(false));
  });
}

/** The paths of the server and SQL tool binaries, building whichever is missing. */
export async function ensureTemporalServer(say: (line: string) => void = (l) => console.error(l), env = process.env): Promise<TemporalServerBinaries> {
  return { sqlTool: await ensureGoBinary(SQL_TOOL, say, env), server: await ensureGoBinary(SERVER, say, env) };
}

function postgresFrom(options: Partial<PostgresConnection> | undefined, env: NodeJS.ProcessEnv): PostgresConnection {
  return {
    host: options?.host ?? env.PGHOST ?? '127.0.0.1',
    port: options?.port ?? Number(env.PGPORT ?? 5432),
    user: options?.user ?? env.PGUSER ?? 'postgres',
    password: options?.password ?? env.PGPASSWORD ?? '',
  };
}

function runSqlTool(sqlTool: string, pg: PostgresConnection, database: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(sqlTool, ['--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--db', database, '--plugin', 'postgres12', ...args], {
    // The password goes through the environment so that it never shows in `ps`.
    env: { ...env, SQL_PASSWORD: pg.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The tool's ERROR lines without colour codes, and a hint for the failures that have an obvious cause. */
function sqlToolFailure(output: string, pg: PostgresConnection): string {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n');
  const errors = lines.filter((line) => line.includes('ERROR'));
  const hints: string[] = [];
  if (/connection refused|no usable database connection/.test(output)) hints.push(`Is PostgreSQL running on ${pg.host}:${pg.port}?`);
  if (/being accessed by other users/.test(output)) hints.push('Is a Temporal server from an earlier run still connected to it? Stop it first.');
  return [...(errors.length ? errors : lines), ...hints].join('\n');
}

async function sqlToolOrThrow(sqlTool: string, pg: PostgresConnection, database: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { code, output } = await runSqlTool(sqlTool, pg, database, args, env);
  if (code !== 0) throw new Error(`temporal-sql-tool ${args.join(' ')} on ${database} failed (exit ${code}):\n${sqlToolFailure(output, pg)}`);
}

/** Creates the database if it is missing, then brings its schema to the newest version embedded in the tool. */
export async function setupSchema(sqlTool: string, pg: PostgresConnection, database: string, schema: 'temporal' | 'visibility', env = process.env): Promise<void> {
  // Every step is idempotent: create-database accepts an existing database, setup-schema -v 0.0
  // only creates the version tables, and update-schema applies the versioned steps not yet applied.
  await sqlToolOrThrow(sqlTool, pg, database, ['create-database'], env);
  await sqlToolOrThrow(sqlTool, pg, database, ['setup-schema', '-v', '0.0'], env);
  await sqlToolOrThrow(sqlTool, pg, database, ['update-schema', '--schema-name', `postgresql/v12/${schema}`], env);
}

/** Drops the database if it exists; fails while anything (a running server) is connected to it. */
export async function dropDatabase(sqlTool: string, pg: PostgresConnection, database: string, env = process.env): Promise<void> {
  await sqlToolOrThrow(sqlTool, pg, database, ['drop-database', '--force'], env);
}

function tryListen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Free loopback ports below 32768: the PostgreSQL schema stores membership ports as smallint, and
 * the kernel hands out ephemeral ports (port 0) from 32768 up.
 */
async function freePorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  try {
    // Every listener stays open until all ports are known, so no port is handed out twice.
    for (let attempt = 0; held.length < count; attempt++) {
      if (attempt > 1000) throw new Error(`no ${count} free ports found between 10000 and 32767 on 127.0.0.1`);
      const server = await tryListen(10_000 + Math.floor(Math.random() * 22_768));
      if (server) held.push(server);
    }
    return held.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

interface ServerLayout {
  pg: PostgresConnection;
  database: string;
  visibilityDatabase: string;
  frontendPort: number;
  frontendHttpPort: number;
  servicePorts: Record<'frontend' | 'history' | 'matching' | 'worker', { grpc: number; membership: number }>;
  dynamicConfigFile: string;
}

function sqlStore(layout: ServerLayout, database: string, maxConns: number): object {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${layout.pg.host}:${layout.pg.port}`,
      connectProtocol: 'tcp',
      user: layout.pg.user,
      password: layout.pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

/** The server's config file (JSON is valid YAML), after config/development-postgres12.yaml of the module. */
function serverConfig(layout: ServerLayout): string {
  const services = Object.fromEntries(
    Object.entries(layout.servicePorts).map(([name, ports]) => [
      name,
      { rpc: { grpcPort: ports.grpc, membershipPort: ports.membership, bindOnLocalHost: true, ...(name === 'frontend' ? { httpPort: layout.frontendHttpPort } : {}) } },
    ]),
  );
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: NUM_HISTORY_SHARDS,
      datastores: {
        'postgres-default': sqlStore(layout, layout.database, 20),
        'postgres-visibility': sqlStore(layout, layout.visibilityDatabase, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${layout.frontendPort}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    publicClient: { hostPort: `127.0.0.1:${layout.frontendPort}` },
    dynamicConfigClient: { filepath: layout.dynamicConfigFile, pollInterval: '10s' },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The dynamic config file: what the dev server sets by default, plus what this project relies on. */
function serverDynamicConfig(extra: Record<string, string | number | boolean> = {}): string {
  const values: Record<string, string | number | boolean> = {
    ...PROJECT_DYNAMIC_CONFIG,
    // Search attributes are usable right after registration, as on the dev server.
    'system.forceSearchAttributesCacheRefreshOnRead': true,
    // That cache refresh costs persistence calls; the dev server raises these limits to match.
    'frontend.persistenceMaxQPS': 10_000,
    'history.persistenceMaxQPS': 45_000,
    ...extra,
  };
  return `${JSON.stringify(Object.fromEntries(Object.entries(values).map(([key, value]) => [key, [{ value, constraints: {} }]])), null, 2)}\n`;
}

/** The last lines of the server's log, JSON entries shortened to level, message and error. */
function logTail(file: string, lines: number): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  return text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => {
      try {
        const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
        return `${entry.level}: ${entry.msg}${entry.error ? ` (${entry.error})` : ''}`;
      } catch {
        return line;
      }
    })
    .join('\n');
}

async function waitForFrontend(address: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The Temporal server exited (${child.signalCode ?? `code ${child.exitCode}`}) before answering; ${logFile} ends with:\n${logTail(logFile, 15)}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2000 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (err) {
      await connection?.close();
      if (Date.now() > deadline) throw new Error(`The Temporal server at ${address} did not answer within ${timeoutMs / 1000} s: ${(err as Error).message}; see ${logFile}`);
      await sleep(500);
    }
  }
}

/** Registers the namespace unless it exists. */
export async function ensureNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') });
  } catch (err) {
    if (!(isGrpcServiceError(err) && err.code === GRPC_ALREADY_EXISTS)) throw err;
  }
}

/**
 * Waits until history and matching answer for the namespace, not only the frontend: the services
 * join their membership ring a moment after the frontend listens, and the namespace cache
 * refreshes every few seconds.
 */
async function waitUntilServing(connection: Connection, namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'aurous-readiness-probe' } });
      await connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: 'aurous-readiness-probe' } });
      throw new Error('the readiness probe workflow unexpectedly exists');
    } catch (err) {
      // NOT_FOUND for the workflow comes from history, after matching answered: both serve.
      if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND && /workflow/i.test(err.details ?? err.message)) return;
      if (Date.now() > deadline) throw new Error(`Temporal did not serve namespace ${namespace} within ${timeoutMs / 1000} s: ${(err as Error).message}`);
      await sleep(500);
    }
  }
}

async function stopChild(child: ChildProcess, say: (line: string) => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if ((await Promise.race([exited, sleep(30_000, 'timeout')])) === 'timeout') {
    say('[temporal-server] the server did not stop within 30 s; killing it');
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Starts the Temporal server on local PostgreSQL: binaries (built if needed), databases and schemas,
 * config, the process, the namespace and the project's search attributes. `stop()` ends the process.
 */
export async function startPostgresTemporal(options: PostgresTemporalOptions = {}): Promise<PostgresTemporal> {
  const env = options.env ?? process.env;
  const say = options.say ?? ((line: string) => console.error(line));
  const namespace = options.namespace ?? 'default';
  const pg = postgresFrom(options.postgres, env);
  const database = options.database ?? 'aurous_temporal';
  const visibilityDatabase = `${database}_visibility`;
  const { server, sqlTool } = await ensureTemporalServer(say, env);

  if (options.fresh) {
    say(`[temporal-server] dropping ${database} and ${visibilityDatabase} on ${pg.host}:${pg.port}`);
    await dropDatabase(sqlTool, pg, database, env);
    await dropDatabase(sqlTool, pg, visibilityDatabase, env);
  }
  say(`[temporal-server] schemas: ${database} (postgresql/v12/temporal), ${visibilityDatabase} (postgresql/v12/visibility)`);
  await setupSchema(sqlTool, pg, database, 'temporal', env);
  await setupSchema(sqlTool, pg, visibilityDatabase, 'visibility', env);

  const ownStateDir = !options.stateDir;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'aurous-temporal-server-'));
  mkdirSync(join(stateDir, 'config'), { recursive: true });
  const [frontendPort, frontendHttpPort, ...rest] = await freePorts(9);
  const port = (i: number): number => rest[i]!;
  const layout: ServerLayout = {
    pg,
    database,
    visibilityDatabase,
    frontendPort: frontendPort!,
    frontendHttpPort: frontendHttpPort!,
    servicePorts: {
      frontend: { grpc: frontendPort!, membership: port(0) },
      history: { grpc: port(1), membership: port(2) },
      matching: { grpc: port(3), membership: port(4) },
      worker: { grpc: port(5), membership: port(6) },
    },
    dynamicConfigFile: join(stateDir, 'config', 'dynamicconfig.yaml'),
  };
  writeFileSync(layout.dynamicConfigFile, serverDynamicConfig(options.dynamicConfig));
  // The server reads <root>/<config dir>/<env>.yaml; "aurous" is that env name. It holds the
  // database password, hence owner-only.
  writeFileSync(join(stateDir, 'config', 'aurous.yaml'), serverConfig(layout), { mode: 0o600 });

  const address = `127.0.0.1:${frontendPort}`;
  const logFile = join(stateDir, 'server.log');
  const log = createWriteStream(logFile);
  let child: ChildProcess;
  let stopping = false;
  const launch = async (): Promise<void> => {
    const started = Date.now();
    stopping = false;
    const current = spawn(server, ['--root', stateDir, '--config', 'config', '--env', 'aurous', '--allow-no-auth', 'start'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = current;
    current.stdout!.pipe(log, { end: false });
    current.stderr!.pipe(log, { end: false });
    current.once('exit', (code, signal) => {
      if (!stopping) say(`[temporal-server] the server exited unexpectedly (${signal ?? `code ${code}`}); see ${logFile}`);
    });
    const connection = await waitForFrontend(address, current, logFile, options.startTimeoutMs ?? 180_000);
    say(`[temporal-server] frontend answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    try {
      await ensureNamespace(connection, namespace);
      // Generous: on databases a server left less than 20 s ago, the new one first tries to join
      // the old membership entries (up to about a minute).
      await waitUntilServing(connection, namespace, 120_000);
      const added = await registerSearchAttributes(connection, namespace);
      say(`[temporal-server] namespace ${namespace} ready after ${((Date.now() - started) / 1000).toFixed(1)} s${added.length ? `; registered search attributes: ${added.join(', ')}` : ''}`);
    } finally {
      await connection.close();
    }
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  const stop = async ({ keepLogs = false } = {}): Promise<void> => {
    stopping = true;
    await stopChild(child, say);
    await new Promise((resolve) => log.end(resolve));
    if (ownStateDir && !keepLogs) rmSync(stateDir, { recursive: true, force: true });
  };
  say(`[temporal-server] starting ${server} on ${address} (config and log in ${stateDir})`);
  try {
    await launch();
  } catch (err) {
    await stop({ keepLogs: true });
    throw err;
  }
  return { address, namespace, get pid() { return child.pid!; }, logFile, kill, restart: launch, stop };
}
