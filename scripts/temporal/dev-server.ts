/**
 * Dynamic config every Temporal server of this project needs, dev server or not (the PostgreSQL
 * server adds its own in platform/temporal-server.ts; docker-compose.temporal.yml repeats these).
 */
export const PROJECT_DYNAMIC_CONFIG: Readonly<Record<string, string | number | boolean>> = {
  // Update-with-start (the create route) is a multi-operation.
  'frontend.enableExecuteMultiOperation': true,
  // A team's ledger takes one Update per paid call. Above this many in flight on one workflow,
  // Server 1.29 aborts all of them (they retry into each other); the default is 10. Each worker
  // keeps at most LEDGER_CALLS_PER_TEAM (activities/index.ts) in flight per team.
  'history.maxInFlightUpdates': 200,
};

/** The dev-server flags this project relies on, shared by the start command and the tests. */
export function devServerDynamicConfig(extra: Record<string, string | number | boolean> = {}): string[] {
  const values: Record<string, string | number | boolean> = { ...PROJECT_DYNAMIC_CONFIG, ...extra };
  return Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}

/**
 * SQLite pragmas for the dev server's database file. WAL with synchronous=NORMAL commits without
 * an fsync per transaction: a killed server loses nothing, a power cut may lose the last commits
 * but never corrupts the file. The benchmark records the write throughput this buys
 * (results/bench.md, "tuning"); production runs on PostgreSQL, where this does not apply.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: Readonly<Record<string, string>> = { journal_mode: 'wal', synchronous: 'normal' };

export function devServerSqlitePragmas(pragmas: Readonly<Record<string, string>> = DEV_SERVER_SQLITE_PRAGMAS): string[] {
  return Object.entries(pragmas).flatMap(([key, value]) => ['--sqlite-pragma', `${key}=${value}`]);
}
