/** The OpenAPI document describes what the API really answers: every route's real responses validate against it. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { useStack } from '../support/stack.js';
import type { ApiClient, ApiResponse } from '../support/http.js';

let doc: any;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

const stack = useStack({}, async () => {
  doc = (await stack.anonymous.get('/openapi.json')).body;
  ajv.addSchema({ $id: 'openapi', components: doc.components });
});

function check(method: string, template: string, answer: ApiResponse): void {
  const operation = doc.paths[template]?.[method.toLowerCase()];
  assert.ok(operation, `${method} ${template} is documented`);
  const response = operation.responses[String(answer.status)];
  assert.ok(response, `${method} ${template} documents status ${answer.status}: ${answer.text}`);
  const schema = JSON.parse(JSON.stringify(response.content['application/json'].schema).replaceAll('"#/components/', '"openapi#/components/'));
  const validate = ajv.compile(schema);
  assert.ok(validate(answer.body), `${method} ${template} ${answer.status}: ${ajv.errorsText(validate.errors)}\n${answer.text}`);
}

/** Calls `path` as `api` and checks the answer against the operation `method template`. */
const caller = (api: ApiClient) => async (method: string, template: string, path: string, body?: unknown, headers?: Record<string, string>) => {
  const answer = await api.request(method, path, body, headers);
  check(method, template, answer);
  return answer;
};

test('the document is OpenAPI 3.1 and the reference page renders it', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const page = await stack.anonymous.get('/docs');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /text\/html/);
  for (const path of Object.keys(doc.paths)) assert.ok(page.text.includes(path.replaceAll('"', '&quot;')), path);
});

/** `redocly lint` with the repo's redocly.yaml; `code` is null when it was killed at the timeout. */
function redoclyLint(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--config', 'redocly.yaml', '--format', 'json'],
      // Telemetry off (here and in redocly.yaml), no update check: the lint never reaches for the
      // network, which CI does not have; the timeout turns a hang into a failure.
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

test('the served document passes redocly lint (recommended rules) with no error, offline', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aurous-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const { code, stdout, stderr } = await redoclyLint(file);
    const report = JSON.parse(stdout || '{}');
    const errors = (report.problems ?? []).filter((p: { severity: string }) => p.severity === 'error');
    assert.equal(report.totals?.errors, 0, `redocly errors:\n${JSON.stringify(errors, null, 2)}\n${stderr}`);
    assert.equal(code, 0, stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('real responses of every character route, successes and errors, match the document', async () => {
  const { api } = await stack.team(10);
  const call = caller(api);
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

test('real responses of the image routes, pricing and health, successes and errors, match the document', async () => {
  const { api } = await stack.team(3);
  const call = caller(api);
  const expect = async (status: number, answer: Promise<ApiResponse>) => assert.equal((await answer).status, status);
  await expect(200, call('GET', '/v1/pricing', '/v1/pricing'));
  await expect(200, call('POST', '/v1/images/estimate', '/v1/images/estimate', { prompt: 'a lighthouse', size: '4k_16_9', count: 2 }));
  const created = await call('POST', '/v1/images', '/v1/images', { prompt: 'a lighthouse', seed: 1, client_reference_id: 'ref_1' });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  assert.equal((await api.imageSettled(id)).status, 'succeeded');
  await expect(200, call('GET', '/v1/images/{id}', `/v1/images/${id}`));
  await expect(200, call('GET', '/v1/images', '/v1/images?limit=5&status=succeeded'));
  await expect(400, call('POST', '/v1/images/{id}/cancel', `/v1/images/${id}/cancel`));
  await expect(402, call('POST', '/v1/images', '/v1/images', { prompt: 'too big', size: '4k_1_1', count: 4 }));
  await expect(404, call('POST', '/v1/images', '/v1/images', { prompt: 'whose?', character_id: 'char_01HXMQ7Z3K8Y2NABCDEFGHJKMR' }));
  await expect(400, call('POST', '/v1/images/estimate', '/v1/images/estimate', { prompt: 'one side', width: 2048 }));
  await expect(400, call('POST', '/v1/images', '/v1/images', { prompt: '   ' }));
  await expect(400, call('GET', '/v1/images', '/v1/images?status=nope'));
  await expect(404, call('GET', '/v1/images/{id}', '/v1/images/img_01HXMQ7Z3K8Y2NABCDEFGHJKMR'));
  await expect(201, call('POST', '/v1/images', '/v1/images', { prompt: 'once' }, { 'Idempotency-Key': 'oa-1' }));
  await expect(409, call('POST', '/v1/images', '/v1/images', { prompt: 'twice' }, { 'Idempotency-Key': 'oa-1' }));
  check('GET', '/v1/images', await stack.anonymous.get('/v1/images'));
  check('GET', '/healthz', await stack.anonymous.get('/healthz'));
  check('GET', '/readyz', await stack.anonymous.get('/readyz'));
});
