/** The OpenAPI document describes what the API really answers: every route's real responses validate against it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeWithStack, useStack } from '../support/stack.js';
import type { ApiResponse } from '../support/http.js';

let doc: any;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

const stack = useStack();
beforeWithStack(async () => {
  doc = (await stack.anonymous.get('/openapi.json')).body;
  ajv.addSchema({ $id: 'openapi', components: doc.components });
});

function check(method: string, template: string, answer: ApiResponse): void {
  const operation = doc.paths[template]?.[method.toLowerCase()];
  assert.ok(operation, `${method} ${template} is documented`);
  const response = operation.responses[String(answer.status)];
  assert.ok(response, `${method} ${template} documents status ${answer.status}`);
  const schema = JSON.parse(JSON.stringify(response.content['application/json'].schema).replaceAll('"#/components/', '"openapi#/components/'));
  const validate = ajv.compile(schema);
  assert.ok(validate(answer.body), `${method} ${template} ${answer.status}: ${ajv.errorsText(validate.errors)}\n${answer.text}`);
}

test('the document is OpenAPI 3.1 and the reference page renders it', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const page = await stack.anonymous.get('/docs');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /text\/html/);
  for (const path of Object.keys(doc.paths)) assert.ok(page.text.includes(path.replaceAll('"', '&quot;')), path);
});

test('real responses of every route, successes and errors, match the document', async () => {
  const { api } = await stack.team(10);
  const call = async (method: string, template: string, path: string, body?: unknown) => {
    const answer = await api.request(method, path, body);
    check(method, template, answer);
    return answer;
  };
  const created = await call('POST', '/v1/characters', '/v1/characters', { name: 'Documented', generate: true, attributes: { hair_color: 'black', age: 30 }, client_reference_id: 'ref_1' });
  const id = created.body.id;
  await api.settled(id);
  await call('GET', '/v1/characters/{id}', `/v1/characters/${id}`);
  await call('GET', '/v1/characters', '/v1/characters?limit=5');
  await call('PATCH', '/v1/characters/{id}', `/v1/characters/${id}`, { name: 'Documented too' });
  await call('POST', '/v1/characters/{id}/refs/regenerate', `/v1/characters/${id}/refs/regenerate`, { pose: 'front' });
  await api.settled(id);
  await call('POST', '/v1/characters/{id}/save', `/v1/characters/${id}/save`);
  await call('POST', '/v1/characters/{id}/resynthesize', `/v1/characters/${id}/resynthesize`, { force_all: true });
  await call('POST', '/v1/characters/{id}/refs/regenerate', `/v1/characters/${id}/refs/regenerate`, { pose: 'front' });
  await api.settled(id);
  await call('GET', '/v1/characters/{id}/events', `/v1/characters/${id}/events`);
  await call('GET', '/v1/balance', '/v1/balance');
  await call('POST', '/v1/characters', '/v1/characters', { name: 'Too expensive', generate: true });
  await call('POST', '/v1/characters', '/v1/characters', { name: '' });
  await call('PATCH', '/v1/characters/{id}', `/v1/characters/${id}`, { refs: [] });
  await call('DELETE', '/v1/characters/{id}', `/v1/characters/${id}`);
  await call('GET', '/v1/characters/{id}', `/v1/characters/${id}`);
  await call('GET', '/v1/characters/{id}/events', `/v1/characters/${id}/events`);
  check('GET', '/v1/balance', await stack.anonymous.get('/v1/balance'));
  check('GET', '/v1/files/{key}', await stack.anonymous.get('/v1/files/team_x/char_y/front-1.png?expires=1&sig=x'));
});
