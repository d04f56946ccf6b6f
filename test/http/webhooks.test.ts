/**
 * Webhooks end to end against a real receiver on loopback: every event type arrives signed, with
 * the resource as GET shows it; an outage delays events but loses none; rotation signs twice;
 * 410 disables. This deployment allows private URLs (as `npm start` does for local development).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiClient } from '../support/http.js';
import { Receiver } from '../support/receiver.js';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { useStack } from '../support/stack.js';
import { verifyAurous, verifyStandard } from '../support/webhook-verify.js';

const receiver = new Receiver();
const stack = useStack({ backend: new ScriptedBackend(), webhooks: { apiAllowsPrivate: true, workerAllowsPrivate: true, scheduleMs: [0, 300, 600, 1000, 1500, 2000, 3000] } }, () => receiver.start());

after(() => receiver.stop());

/** Signed file URLs carry their own expiry: equal resources up to the moment they were signed. */
const unsigned = (resource: unknown) => JSON.parse(JSON.stringify(resource).replace(/\?expires=\d+&sig=[^"]+/g, ''));

async function endpoint(api: ApiClient, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const created = await api.post('/v1/webhook_endpoints', body);
  assert.equal(created.status, 201, created.text);
  return created.body;
}

function assertSigned(secret: string, delivery: { body: string; headers: Record<string, string> }): void {
  assert.deepEqual(verifyStandard(secret, delivery.body, delivery.headers), JSON.parse(delivery.body));
  assert.ok(verifyAurous(secret, delivery.body, delivery.headers['aurous-webhook-signature']!), 'the Aurous signature verifies');
  assert.equal(delivery.headers['webhook-id'], JSON.parse(delivery.body).id);
}

describe('webhook endpoints', () => {
  test('create shows the secret once; GET, list and PATCH never do; DELETE removes it', async () => {
    const { api } = await stack.team();
    const created = await endpoint(api, { url: receiver.url, events: ['image.completed'], description: 'mine' });
    assert.match(created.id, /^we_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    const got = await api.get(`/v1/webhook_endpoints/${created.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.secret, undefined);
    assert.equal(got.body.status, 'enabled');
    const list = await api.get('/v1/webhook_endpoints');
    assert.deepEqual(list.body.data.map((e: any) => e.id), [created.id]);
    assert.ok(!list.text.includes('whsec_'));
    const patched = await api.patch(`/v1/webhook_endpoints/${created.id}`, { events: ['*'], status: 'disabled' });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual([patched.body.events, patched.body.status], [['*'], 'disabled']);
    const other = await stack.team();
    assert.equal((await other.api.get(`/v1/webhook_endpoints/${created.id}`)).status, 404);
    assert.equal((await api.delete(`/v1/webhook_endpoints/${created.id}`)).status, 200);
    assert.equal((await api.get(`/v1/webhook_endpoints/${created.id}`)).status, 404);
  });

  test('a create with an Idempotency-Key replays the same secret, and no history holds it in clear', async () => {
    const { api } = await stack.team();
    const body = { url: receiver.url, events: ['*'] };
    const first = await api.post('/v1/webhook_endpoints', body, { 'Idempotency-Key': 'we-1' });
    const again = await api.post('/v1/webhook_endpoints', body, { 'Idempotency-Key': 'we-1' });
    assert.equal(again.headers.get('aurous-idempotent-replayed'), 'true');
    assert.equal(again.text, first.text);
    const histories = [];
    for await (const info of stack.env.client.workflow.list({ query: `WorkflowId = '${first.body.id}' OR WorkflowId STARTS_WITH 'idemkey_'` })) {
      histories.push(JSON.stringify(await stack.env.client.workflow.getHandle(info.workflowId, info.runId).fetchHistory()));
    }
    assert.ok(histories.length >= 2);
    for (const history of histories) assert.ok(!history.includes(first.body.secret.slice(6, 30)), 'the secret is not in any history');
  });

  test('a bad body is a 400 in the envelope', async () => {
    const { api } = await stack.team();
    const refused = await api.post('/v1/webhook_endpoints', { url: receiver.url, events: ['character.exploded'] });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.param, 'events.0');
  });
});

describe('events', () => {
  let api: ApiClient;
  let secret: string;
  before(async () => {
    ({ api } = await stack.team(14));
    ({ secret } = await endpoint(api, { url: receiver.url, events: ['*'] }));
  });
  const eventOf = (type: string, id: string) => receiver.waitFor((e) => e.type === type && e.data.object.id === id);

  test('character.completed, character.failed and character.deleted carry the character as GET shows it', async () => {
    const ok = (await api.post('/v1/characters', { name: 'Hooked', generate: true })).body.id;
    const settled = await api.settled(ok);
    const completed = await eventOf('character.completed', ok);
    assertSigned(secret, completed);
    assert.deepEqual(unsigned(completed.event.data.object), unsigned(settled));
    assert.deepEqual([completed.event.object, completed.event.aurous_version], ['event', '2026-05-15']);
    assert.match(completed.event.id, /^evt_[0-9a-f]{32}$/);

    const failing = (await api.post('/v1/characters', { name: 'Fails', generate: true, attributes: { additional_details: 'fail:side' } })).body.id;
    const failed = await api.settled(failing);
    assert.deepEqual(unsigned((await eventOf('character.failed', failing)).event.data.object), unsigned(failed));

    assert.equal((await api.delete(`/v1/characters/${ok}`)).status, 200);
    assert.equal((await eventOf('character.deleted', ok)).event.data.object.status, 'deleted');
  });

  test('usage.balance_low when the credits fall below 10', async () => {
    const balance = await receiver.waitFor((e) => e.type === 'usage.balance_low' && e.data.object.credits < 10);
    assertSigned(secret, balance);
    // 14 credits, one synthesis (4) took it to 10, the next to 6: below the default threshold of 10.
    assert.deepEqual(balance.event.data.object, { object: 'balance', credits: 6 });
  });

  test("image events reach the team's endpoints and the generation's webhook_url, signed with the default secret", async () => {
    const { api: rich } = await stack.team(30);
    const { secret: richSecret } = await endpoint(rich, { url: receiver.url, events: ['image.completed', 'image.failed', 'image.cancelled'] });
    const defaultSecret = (await rich.get('/v1/webhook_endpoints/default_secret')).body.secret;
    const ownUrl = `${receiver.url}?own`;
    const done = (await rich.post('/v1/images', { prompt: 'a lake', webhook_url: ownUrl, seed: 1 })).body.id;
    const image = await rich.imageSettled(done);
    const both = await receiver.waitFor(() => receiver.events().filter((e) => e.event.type === 'image.completed' && e.event.data.object.id === done).length === 2);
    assert.ok(both);
    const deliveries = receiver.received.filter((r) => r.body.includes(done) && r.body.includes('image.completed'));
    const signedBy = deliveries.map((d) => (verifyAurous(defaultSecret, d.body, d.headers['aurous-webhook-signature']!) ? 'default' : verifyAurous(richSecret, d.body, d.headers['aurous-webhook-signature']!) ? 'endpoint' : 'none'));
    assert.deepEqual(signedBy.sort(), ['default', 'endpoint']);
    assert.deepEqual(unsigned(JSON.parse(deliveries[0]!.body).data.object), unsigned(image));

    const failing = (await rich.post('/v1/images', { prompt: 'fail:seed-5', seed: 5 })).body.id;
    assert.equal((await eventOf('image.failed', failing)).event.data.object.status, 'failed');
    const held = (await rich.post('/v1/images', { prompt: 'hold:seed-9', seed: 9 })).body.id;
    assert.equal((await rich.post(`/v1/images/${held}/cancel`)).status, 200);
    assert.equal((await eventOf('image.cancelled', held)).event.data.object.status, 'cancelled');
  });

  test('410 disables the endpoint and tells the team’s other endpoints; PATCH enables it again', async () => {
    const gone = new Receiver();
    gone.status = 410;
    await gone.start();
    try {
      const dead = await endpoint(api, { url: gone.url, events: ['*'] });
      assert.equal((await api.post(`/v1/webhook_endpoints/${dead.id}/test`, { event_type: 'image.completed' })).status, 200);
      const disabled = await eventOf('webhook.endpoint_disabled', dead.id);
      assertSigned(secret, disabled);
      assert.equal(disabled.event.data.object.status, 'disabled');
      const got = (await api.get(`/v1/webhook_endpoints/${dead.id}`)).body;
      assert.equal(got.status, 'disabled');
      assert.match(got.disabled_reason, /410/);
      assert.equal(gone.received.length, 1, '410 is not retried');
      const log = (await api.get(`/v1/webhook_endpoints/${dead.id}/deliveries`)).body.data;
      assert.equal(log[0].response_status, 410);
      assert.equal((await api.patch(`/v1/webhook_endpoints/${dead.id}`, { status: 'enabled' })).body.status, 'enabled');
    } finally {
      await gone.stop();
    }
  });
});

describe('delivery', () => {
  test('a receiver down for a while, then up: every event arrives, each webhook-id stable across retries', async () => {
    const { api } = await stack.team();
    const flaky = new Receiver();
    await flaky.start();
    const { id, secret } = await endpoint(api, { url: flaky.url, events: ['*'] });
    await flaky.stop();
    const sent: string[] = [];
    for (const type of ['image.completed', 'character.failed', 'usage.balance_low']) {
      sent.push((await api.post(`/v1/webhook_endpoints/${id}/test`, { event_type: type })).body.id);
    }
    const failures = async () => (await api.get(`/v1/webhook_endpoints/${id}/deliveries?limit=50`)).body.data.filter((d: any) => d.response_status === null);
    const deadline = Date.now() + 10_000;
    while ((await failures()).length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok((await failures()).length >= 6, 'each event failed at least twice while the receiver was down');
    await flaky.start();
    try {
      for (const eventId of sent) {
        const delivered = await flaky.waitFor((e) => e.id === eventId);
        assertSigned(secret, delivered);
        assert.equal(delivered.event.synthetic, true);
      }
      // The log hears of an attempt after the receiver does.
      const delivered = (log: any[]) => sent.every((eventId) => log.find((d: any) => d.event_id === eventId)?.response_status === 200);
      let log: any[] = [];
      for (const until = Date.now() + 5000; Date.now() < until && !delivered(log); await new Promise((r) => setTimeout(r, 100))) {
        log = (await api.get(`/v1/webhook_endpoints/${id}/deliveries?limit=50`)).body.data;
      }
      for (const eventId of sent) {
        const attempts = log.filter((d: any) => d.event_id === eventId);
        assert.ok(attempts.length >= 3 && attempts[0].response_status === 200, `${eventId}: failed attempts, then a 200 under the same id`);
      }
    } finally {
      await flaky.stop();
    }
  });

  test('after rotate_secret both secrets sign until the overlap ends', async () => {
    const { api } = await stack.team();
    const { id, secret: old } = await endpoint(api, { url: receiver.url, events: ['*'] });
    const rotated = await api.post(`/v1/webhook_endpoints/${id}/rotate_secret`);
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.body.secret, old);
    const eventId = (await api.post(`/v1/webhook_endpoints/${id}/test`, { event_type: 'character.completed' })).body.id;
    const delivered = await receiver.waitFor((e) => e.id === eventId);
    assert.equal(delivered.headers['webhook-signature']!.split(' ').length, 2);
    assert.equal(delivered.headers['aurous-webhook-signature']!.match(/v1=/g)!.length, 2);
    assertSigned(old, delivered);
    assertSigned(rotated.body.secret, delivered);
  });
});
