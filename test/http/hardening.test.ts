/**
 * Hostile or careless input at the edge: bytes that are not UTF-8, text that hides or reorders what
 * people read back, odd methods, headers and bodies. Each is refused in the contract's envelope and
 * changes and charges nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ApiClient, assertEnvelope } from '../support/http.js';
import { useStack } from '../support/stack.js';

let api: ApiClient;
let existing: string;
const stack = useStack({}, async () => {
  api = (await stack.team(8)).api;
  const created = await api.post('/v1/characters', { name: 'Zoë 🌟 Ålesund', generate: true, attributes: { hair_color: 'châtain', additional_details: 'line one; 名前' } });
  assert.equal(created.status, 201, created.text);
  existing = created.body.id;
  await api.settled(existing);
});

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('bodies that are not UTF-8', () => {
  const cases: [string, Buffer][] = [
    ['a stray continuation byte', bytes('{"name":"A', [0xff], '","generate":true}')],
    ['a Latin-1 é', bytes('{"name":"Caf', [0xe9], '","generate":true}')],
    ['a truncated sequence', bytes('{"name":"A', [0xe2, 0x82], '","generate":true}')],
    ['an overlong encoding of "/"', bytes('{"name":"A', [0xc0, 0xaf], '","generate":true}')],
    ['an encoded surrogate', bytes('{"name":"A', [0xed, 0xa0, 0x80], '","generate":true}')],
  ];
  for (const [name, body] of cases) {
    test(`${name}: 400 invalid_json`, async () => {
      assertEnvelope(await api.request('POST', '/v1/characters', body, JSON_HEADERS), 400, 'invalid_json');
    });
  }

  test('a PATCH body with invalid UTF-8 is refused and the name is unchanged', async () => {
    assertEnvelope(await api.request('PATCH', `/v1/characters/${existing}`, bytes('{"name":"B', [0xff], '"}'), JSON_HEADERS), 400, 'invalid_json');
    assert.equal((await api.get(`/v1/characters/${existing}`)).body.name, 'Zoë 🌟 Ålesund');
  });

  test('a UTF-16 charset is refused naming Content-Type', async () => {
    const body = Buffer.from('{"name":"A","generate":true}', 'utf16le');
    assertEnvelope(await api.request('POST', '/v1/characters', body, { 'Content-Type': 'application/json; charset=utf-16le' }), 400, 'parameter_invalid', 'Content-Type');
  });

  test('valid UTF-8 beyond ASCII is stored and read back byte for byte', async () => {
    const character = (await api.get(`/v1/characters/${existing}`)).body;
    assert.equal(character.name, 'Zoë 🌟 Ålesund');
    assert.deepEqual(character.attributes, { hair_color: 'châtain', additional_details: 'line one; 名前' });
  });
});

describe('control characters and bidi overrides in names and attributes', () => {
  const create = (fields: object) => api.post('/v1/characters', { name: 'A', generate: true, ...fields });
  const cases: [string, () => Promise<any>, string, string][] = [
    ['NUL in a name', () => create({ name: 'Ann\u0000' }), 'name', 'U+0000'],
    ['a newline in a name', () => create({ name: 'Ann\nBob' }), 'name', 'U+000A'],
    ['DEL in a name', () => create({ name: 'Ann\u007f' }), 'name', 'U+007F'],
    ['a C1 control (NEL) in a name', () => create({ name: 'Ann\u0085' }), 'name', 'U+0085'],
    ['a right-to-left override in a name', () => create({ name: 'evil\u202Egpj.exe' }), 'name', 'U+202E'],
    ['a bidi isolate in a PATCHed name', () => api.patch(`/v1/characters/${existing}`, { name: 'x\u2066y' }), 'name', 'U+2066'],
    ['a pop-isolate in hair_color', () => create({ attributes: { hair_color: 'black\u2069' } }), 'attributes.hair_color', 'U+2069'],
    ['a tab in additional_details', () => create({ attributes: { additional_details: 'a\tb' } }), 'attributes.additional_details', 'U+0009'],
    ['an embedding in a PATCHed attribute', () => api.patch(`/v1/characters/${existing}`, { attributes: { eye_color: '\u202Abrown' } }), 'attributes.eye_color', 'U+202A'],
  ];
  for (const [name, send, param, codePoint] of cases) {
    test(`${name}: 400 parameter_invalid naming ${param}`, async () => {
      const answer = await send();
      assertEnvelope(answer, 400, 'parameter_invalid', param);
      assert.match(answer.body.error.message, new RegExp(`^${param.replace('.', '\\.')} contains the control character ${codePoint.replace('+', '\\+')} .*plain text`));
    });
  }

  test('an unpaired surrogate sent as a JSON escape is refused', async () => {
    const answer = await api.request('POST', '/v1/characters', '{"name":"A\\ud800","generate":true}', JSON_HEADERS);
    assertEnvelope(answer, 400, 'parameter_invalid', 'name');
    assert.match(answer.body.error.message, /unpaired UTF-16 surrogate/);
  });

  test('none of the refusals changed the character or charged anything', async () => {
    const character = (await api.get(`/v1/characters/${existing}`)).body;
    assert.equal(character.name, 'Zoë 🌟 Ålesund');
    assert.equal(character.attributes.eye_color, undefined);
    assert.equal((await api.get('/v1/balance')).body.credits, 4);
    assert.equal((await api.get('/v1/characters')).body.data.length, 1);
  });
});

describe('methods, headers and query strings', () => {
  test('a wrong method on a known path is 405 with Allow', async () => {
    const answer = await api.request('PUT', '/v1/characters/char_01J00000000000000000000000');
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.get('allow'), 'GET, PATCH, DELETE');
    assert.equal(answer.body.error.code, 'method_not_allowed');
    const list = await api.request('DELETE', '/v1/characters');
    assert.equal(list.headers.get('allow'), 'GET, POST');
  });

  test('huge headers are refused in the envelope (431)', async () => {
    const answer = await api.get('/v1/characters', { 'X-Padding': 'x'.repeat(20_000) });
    assert.equal(answer.status, 431);
    assert.equal(answer.body.error.code, 'request_header_fields_too_large');
    assert.match(answer.body.error.request_id, /^req_/);
  });

  test('query parameters on routes that take none are refused', async () => {
    assertEnvelope(await api.get('/v1/characters/char_01J00000000000000000000000?expand=refs'), 400, 'parameter_unknown', 'expand');
    assertEnvelope(await api.post('/v1/characters?dry_run=1', { name: 'A', generate: true }), 400, 'parameter_unknown', 'dry_run');
  });

  test('a body that is JSON but not an object is refused, and a null body on PATCH too', async () => {
    assertEnvelope(await api.request('PATCH', '/v1/characters/char_01J00000000000000000000000', 'null', { 'Content-Type': 'application/json' }), 400, 'invalid_json');
    assertEnvelope(await api.request('POST', '/v1/characters', '"text"', { 'Content-Type': 'application/json' }), 400, 'invalid_json');
  });
});
