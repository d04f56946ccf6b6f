/** A short chaos run (scripts/chaos.ts) as part of CI: kills, restarts and faults lose and double-charge nothing, and lose no webhook event. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

test('one minute of kills, restarts and inference faults: characters, image generations and webhooks: nothing lost, stuck or charged wrongly', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/chaos.ts', '--minutes', '1', '--label', 'ci'], { encoding: 'utf8', timeout: 8 * 60_000 });
  console.log(run.stdout.split('\n').slice(-40).join('\n'));
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(readFileSync('results/chaos-ci.json', 'utf8'));
  assert.equal(result.passed, true);
  assert.ok(result.table['worker kills (SIGKILL)'] >= 3);
  assert.ok(result.table['API kills (SIGKILL, mid-load)'] >= 2);
  assert.ok(result.table['Temporal restarts'] >= 1);
  assert.ok(result.table.operations >= 100);
  assert.ok(result.table['image generations audited (201)'] >= 10);
  assert.ok(result.table['  with a character'] >= 1);
  // The flaky receiver really failed and hung, and events were really made and delivered despite it.
  assert.ok(result.table['webhook state changes audited'] >= 10);
  assert.ok(result.table['webhook events recorded'] >= result.table['webhook state changes audited']);
  assert.equal(result.table['webhook events delivered (2xx, valid signature)'], result.table['webhook events recorded']);
  assert.ok(result.table['  answered 5xx'] >= 1);
  assert.ok(result.table['  hung past the deadline'] >= 1);
  const imageMeasures = ['generations lost', 'generations not finished', 'image outputs unreadable', 'generations charged ≠ delivered × price'];
  for (const measure of ['lost', 'stuck in synthesizing', 'double-charged (credits)', 'under-charged (credits)', 'refs missing or duplicated', 'webhook events lost', 'webhook bad signatures', ...imageMeasures]) {
    assert.equal(result.table[measure], 0, measure);
  }
});

test('production shape, one minute: Temporal server on PostgreSQL, S3 store, Redis; PostgreSQL and S3 SIGKILLed too; nothing lost, stuck or charged wrongly, no 500', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/chaos.ts', '--shape', 'production', '--poll', '--minutes', '1', '--label', 'ci-production'], { encoding: 'utf8', timeout: 10 * 60_000 });
  console.log(run.stdout.split('\n').slice(-45).join('\n'));
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(readFileSync('results/chaos-ci-production.json', 'utf8'));
  assert.equal(result.passed, true);
  assert.match(result.table.shape, /PostgreSQL, S3/);
  assert.ok(result.table['PostgreSQL restarts (SIGKILL)'] >= 2);
  assert.ok(result.table['S3 server restarts (SIGKILL)'] >= 3);
  assert.ok(result.table['Temporal restarts'] >= 1);
  assert.ok(result.table['worker kills (SIGKILL)'] >= 3);
  assert.equal(result.table['  of which 500 internal_error'], 0);
  assert.ok(result.table['image outputs delivered (readable PNG)'] >= 5);
  for (const measure of ['lost', 'stuck in synthesizing', 'double-charged (credits)', 'under-charged (credits)', 'images unreadable', 'generations lost', 'generations not finished', 'image outputs unreadable', 'webhook events lost']) {
    assert.equal(result.table[measure], 0, measure);
  }
});
