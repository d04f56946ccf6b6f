/**
 * The services of the production shape for a chaos run: a PostgreSQL of the run's own, the Temporal
 * server on it (not the dev server), and the S3 server holding the blobs. Each can be crashed and
 * brought back, as the chaos run's faults do; the workers and APIs share nothing else but Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type S3Server, startS3Server } from '../s3/versitygw.js';
import { type PostgresTemporal, startPostgresTemporal } from '../temporal/server.js';
import { freePort } from '../support/cluster.js';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.js';

export interface ProductionShape {
  temporalAddress: string;
  /** What every worker and API process needs for the bucket and the shared rate limits. */
  env: Record<string, string>;
  /** SIGKILL of the postmaster and its backends, down for `downMs`, then crash recovery. */
  restartPostgres(downMs: number): Promise<void>;
  /** SIGKILL of the S3 server, down for `downMs`, then the same folder again. */
  restartS3(downMs: number): Promise<void>;
  /** SIGKILL of the Temporal server; back once it serves the namespace again. */
  restartTemporal(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startProductionShape(runDir: string, say: (line: string) => void): Promise<ProductionShape> {
  // Its own temporary folder: the run's folder is root's alone, and PostgreSQL runs as `postgres`.
  const postgresDir = mkdtempSync(join(tmpdir(), 'aurous-chaos-postgres-'));
  say(`[postgres] its folder and log: ${postgresDir}`);
  const postgres: PostgresServer = await startPostgresServer(postgresDir, await freePort(), say);
  const temporal: PostgresTemporal = await startPostgresTemporal({
    say,
    postgres: { host: postgres.host, port: postgres.port, user: postgres.user, password: '' },
    database: 'temporal',
    stateDir: join(runDir, 'temporal-server'),
  });
  const s3: S3Server = await startS3Server({ say, dataDir: join(runDir, 's3') });
  return {
    temporalAddress: temporal.address,
    env: { ...s3.env, RATE_LIMIT_STORE: 'redis' },
    async restartPostgres(downMs) {
      await postgres.kill('SIGKILL');
      await sleep(downMs);
      await postgres.restart();
    },
    async restartS3(downMs) {
      await s3.kill('SIGKILL');
      await sleep(downMs);
      await s3.restart();
    },
    async restartTemporal(downMs) {
      await temporal.kill('SIGKILL');
      await sleep(downMs);
      await temporal.restart();
    },
    async stop() {
      await temporal.stop({ keepLogs: true });
      await s3.stop();
      await postgres.stop();
      rmSync(postgresDir, { recursive: true, force: true });
    },
  };
}
