/** A quick run of the benchmark harness (scripts/bench.ts --quick) keeps it from rotting. Numbers are reported, never asserted. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

test('the benchmark harness runs end to end and reports every measure', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', '--quick'], { encoding: 'utf8', timeout: 10 * 60_000 });
  assert.equal(run.status, 0, `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
  const { rows } = JSON.parse(readFileSync('results/bench-quick.json', 'utf8')) as { rows: { measure: string; value: string }[] };
  for (const measure of ['fan-out', 'overhead', 'read c=1', 'write: product', 'write: bare Temporal', 'write: BullMQ', 'webhooks', 'updates', 'scale', 'memory', 'history events', 'long life', 'tuning']) {
    assert.ok(rows.some((r) => r.measure.startsWith(measure) && r.value !== 'NaN'), `a ${measure} measure was reported`);
  }
});
