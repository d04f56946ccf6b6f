/**
 * Where webhooks may not go, in a deployment that does not allow private URLs: refused at
 * registration, and refused again at delivery when the name resolves somewhere private by then
 * (DNS rebinding).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useStack } from '../support/stack.js';

/** Public until the test rebinds it to loopback. */
let rebound = false;
const lookup = async (host: string) => {
  if (host === 'hooks.example.test') return [{ address: rebound ? '127.0.0.1' : '93.184.215.14', family: 4 }];
  if (host === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  throw new Error('ENOTFOUND');
};
const stack = useStack({ webhooks: { lookup } });

test('http, and URLs that are or resolve to private, loopback or link-local addresses, are refused at registration', async () => {
  const { api } = await stack.team();
  for (const url of ['http://hooks.example.test/hook', 'https://localhost/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest', 'https://[::1]/hook', 'https://[::ffff:127.0.0.1]/x']) {
    const refused = await api.post('/v1/webhook_endpoints', { url, events: ['*'] });
    assert.equal(refused.status, 400, url);
    assert.deepEqual([refused.body.error.code, refused.body.error.param], ['parameter_invalid', 'url'], url);
  }
  const image = await api.post('/v1/images', { prompt: 'x', webhook_url: 'https://localhost/hook' });
  assert.deepEqual([image.status, image.body.error.param], [400, 'webhook_url']);
});

test('a name that resolves to a private address by delivery time is refused then, and the log says so', async () => {
  const { api } = await stack.team();
  const created = await api.post('/v1/webhook_endpoints', { url: 'https://hooks.example.test/hook', events: ['*'] });
  assert.equal(created.status, 201, created.text);
  rebound = true;
  await api.post(`/v1/webhook_endpoints/${created.body.id}/test`, { event_type: 'image.completed' });
  let log: any[] = [];
  for (const until = Date.now() + 10_000; Date.now() < until && log.length === 0; await new Promise((r) => setTimeout(r, 100))) {
    log = (await api.get(`/v1/webhook_endpoints/${created.body.id}/deliveries`)).body.data;
  }
  assert.equal(log[0].response_status, null);
  assert.match(log[0].error, /refused: .*private, loopback or link-local address \(127\.0\.0\.1\)/);
});
