/** The team ledger's rules, without Temporal: exactly-once debits, bounded refunds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ledger } from '../../workflows/team.js';

const ledger = (credits: number) => {
  const l = new Ledger({ team: { teamId: 'team_x', name: 'x', version: null, credits: 0, createdAt: '' } });
  l.grant({ entryId: 'g', amount: credits, reason: 'grant' });
  return l;
};

test('a debit applies once per entry id, however often it is retried', () => {
  const l = ledger(10);
  assert.deepEqual(l.debit({ entryId: 'd1', amount: 4, reason: 'create' }), { applied: true, amount: 4, credits: 6 });
  assert.deepEqual(l.debit({ entryId: 'd1', amount: 4, reason: 'create' }), { applied: true, amount: 4, credits: 6 });
});

test('a debit larger than the balance is refused and changes nothing', () => {
  const l = ledger(3);
  assert.deepEqual(l.debit({ entryId: 'd1', amount: 4, reason: 'create' }), { applied: false, amount: 0, credits: 3 });
  assert.deepEqual(l.debit({ entryId: 'd2', amount: 3, reason: 'create' }), { applied: true, amount: 3, credits: 0 });
});

test('refunds never return more than their debit took, and apply once', () => {
  const l = ledger(10);
  l.debit({ entryId: 'd1', amount: 4, reason: 'create' });
  assert.deepEqual(l.refund({ entryId: 'r1', debitId: 'd1', amount: 3, reason: 'failed' }), { refunded: 3, credits: 9 });
  assert.deepEqual(l.refund({ entryId: 'r1', debitId: 'd1', amount: 3, reason: 'failed' }), { refunded: 3, credits: 9 });
  assert.deepEqual(l.refund({ entryId: 'r2', debitId: 'd1', amount: 3, reason: 'failed' }), { refunded: 1, credits: 10 });
  assert.deepEqual(l.refund({ entryId: 'r3', debitId: 'never-applied', amount: 4, reason: 'void' }), { refunded: 0, credits: 10 });
});

test('grants are idempotent by entry id', () => {
  const l = ledger(0);
  assert.equal(l.grant({ entryId: 'g2', amount: 5, reason: 'grant' }), 5);
  assert.equal(l.grant({ entryId: 'g2', amount: 5, reason: 'grant' }), 5);
});
