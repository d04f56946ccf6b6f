/** The pure parts of webhooks: target rules, signatures, the retry schedule, the event and disable rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { WebhookSecrets } from '../../activities/webhooks/secrets.js';
import { signatureHeaders } from '../../activities/webhooks/signing.js';
import { TargetRefused, isInternalAddress, resolveTarget } from '../../activities/webhooks/targets.js';
import { DEFAULT_RETRY_SCHEDULE, balanceLowDue, characterEventFor, disableReason, imageEventFor, parseRetrySchedule } from '../../domain/webhooks.js';
import { verifyAurous } from '../support/webhook-verify.js';

test('private, loopback, link-local and mapped addresses are internal; public ones are not', () => {
  for (const a of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', 'not-an-ip']) assert.ok(isInternalAddress(a), a);
  for (const a of ['93.184.215.14', '8.8.8.8', '2606:4700::1111', '172.32.0.1']) assert.ok(!isInternalAddress(a), a);
});

test('a target is checked on every address its name resolves to, each time it is resolved', async () => {
  let answer = '93.184.215.14';
  const rules = { allowPrivate: false, lookup: async () => [{ address: answer, family: 4 }] };
  assert.equal((await resolveTarget('https://hooks.example.test/x', rules)).address, '93.184.215.14');
  answer = '127.0.0.1';
  await assert.rejects(resolveTarget('https://hooks.example.test/x', rules), TargetRefused);
  await assert.rejects(resolveTarget('http://93.184.215.14/x', rules), /https/);
  await assert.rejects(resolveTarget('https://user:pw@93.184.215.14/x', rules), /credentials/);
  assert.equal((await resolveTarget('http://127.0.0.1:9/x', { allowPrivate: true })).address, '127.0.0.1');
});

test('both signatures verify, with every secret during a rotation; a wrong secret fails', () => {
  const secrets = new WebhookSecrets('k'.repeat(32));
  const [older, newer] = [secrets.forEndpoint('we_1', 1), secrets.forEndpoint('we_1', 2)];
  const body = '{"id":"evt_1"}';
  const headers = signatureHeaders('evt_1', body, [newer, older], new Date());
  for (const secret of [older, newer]) {
    assert.deepEqual(new Webhook(secret).verify(body, headers), { id: 'evt_1' });
    assert.ok(verifyAurous(secret, body, headers['Aurous-Webhook-Signature']!));
  }
  assert.throws(() => new Webhook(secrets.forEndpoint('we_1', 3)).verify(body, headers));
  assert.match(headers['Aurous-Webhook-Signature']!, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
});

test('secrets are derived per endpoint and version, and a sealed secret unseals to itself', () => {
  const secrets = new WebhookSecrets('k'.repeat(32));
  assert.equal(secrets.forEndpoint('we_1', 1), secrets.forEndpoint('we_1', 1));
  assert.notEqual(secrets.forEndpoint('we_1', 1), secrets.forEndpoint('we_1', 2));
  assert.notEqual(secrets.defaultFor('team_1'), new WebhookSecrets('j'.repeat(32)).defaultFor('team_1'));
  const body = JSON.stringify({ id: 'we_1', secret: secrets.forEndpoint('we_1', 1) });
  const sealed = secrets.seal(body);
  assert.ok(!sealed.includes('whsec_'));
  assert.equal(secrets.unseal(sealed), body);
});

test("the contract's retry schedule, and a short one for tests", () => {
  assert.deepEqual(parseRetrySchedule(DEFAULT_RETRY_SCHEDULE), [0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  assert.deepEqual(parseRetrySchedule('0, 200ms, 1.5s'), [0, 200, 1500]);
  assert.throws(() => parseRetrySchedule('0,soon'));
});

test('which status changes are events', () => {
  assert.equal(characterEventFor('synthesizing', 'reviewing'), 'character.completed');
  assert.equal(characterEventFor('synthesizing', 'ready'), 'character.completed');
  assert.equal(characterEventFor('synthesizing', 'failed'), 'character.failed');
  assert.equal(characterEventFor('reviewing', 'ready'), null, 'a save is not a generation landing');
  assert.equal(characterEventFor('synthesizing', 'deleted'), 'character.deleted');
  assert.equal(imageEventFor('processing', 'succeeded'), 'image.completed');
  assert.equal(imageEventFor('pending', 'cancelled'), 'image.cancelled');
  assert.equal(imageEventFor('pending', 'processing'), null);
});

test('balance_low on crossing the threshold, at most once an hour', () => {
  assert.ok(balanceLowDue(12, 8, 10, null, 0));
  assert.ok(!balanceLowDue(9, 8, 10, null, 0), 'already below');
  assert.ok(!balanceLowDue(12, 8, 10, 1000, 1000 + 59 * 60_000));
  assert.ok(balanceLowDue(12, 8, 10, 1000, 1000 + 60 * 60_000));
});

test('410 disables at once; failures disable after 20 spanning 24 hours', () => {
  assert.match(disableReason(410, { count: 1, sinceMs: 0 }, 0)!, /410/);
  const day = 24 * 3600_000;
  assert.equal(disableReason(500, { count: 19, sinceMs: 0 }, 2 * day), null);
  assert.equal(disableReason(500, { count: 25, sinceMs: 0 }, day - 1), null);
  assert.match(disableReason(null, { count: 20, sinceMs: 0 }, day)!, /20 consecutive/);
});
