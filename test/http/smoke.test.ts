import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useStack } from '../support/stack.js';

const stack = useStack();

test('a created character reaches reviewing with four PNG refs and costs 4 credits', async () => {
  const { api } = await stack.team(10);
  const created = await api.post('/v1/characters', { name: 'Aurora', generate: true, attributes: { hair_color: 'black' } });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.status, 'synthesizing');
  const done = await api.settled(created.body.id);
  assert.equal(done.status, 'reviewing');
  assert.deepEqual(done.refs.map((r: any) => r.pose), ['portrait', 'front', 'side', 'back']);
  const image = await fetch(done.refs[0].url);
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/png');
  const balance = await api.get('/v1/balance');
  assert.deepEqual(balance.body, { object: 'balance', credits: 6 });
});
