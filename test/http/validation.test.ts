/** Bad input always gets a clear 4xx in the contract's envelope, and changes and charges nothing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addSupportedVersion } from '../../domain/versions.js';
import { ApiClient, assertEnvelope } from '../support/http.js';
import { useStack } from '../support/stack.js';

let api: ApiClient;
const stack = useStack({}, async () => {
  api = (await stack.team(10)).api;
});

describe('create validation', () => {
  const cases: [string, unknown, string, string | undefined][] = [
    ['name missing', { generate: true }, 'parameter_missing', 'name'],
    ['name empty', { name: '', generate: true }, 'parameter_invalid', 'name'],
    ['name over 80 characters', { name: 'x'.repeat(81), generate: true }, 'parameter_invalid', 'name'],
    ['neither generate nor upload_ids', { name: 'A' }, 'parameter_invalid_combination', 'generate'],
    ['generate false', { name: 'A', generate: false }, 'parameter_invalid', 'generate'],
    ['upload flow', { name: 'A', generate: true, upload_ids: ['u1'] }, 'parameter_invalid_combination', 'upload_ids'],
    ['unknown attribute', { name: 'A', generate: true, attributes: { wings: 2 } }, 'parameter_unknown', 'attributes.wings'],
    ['age not an integer', { name: 'A', generate: true, attributes: { age: 28.5 } }, 'parameter_invalid', 'attributes.age'],
    ['age over 150', { name: 'A', generate: true, attributes: { age: 151 } }, 'parameter_invalid', 'attributes.age'],
    ['hair_color over 200', { name: 'A', generate: true, attributes: { hair_color: 'x'.repeat(201) } }, 'parameter_invalid', 'attributes.hair_color'],
    ['additional_details over 1000', { name: 'A', generate: true, attributes: { additional_details: 'x'.repeat(1001) } }, 'parameter_invalid', 'attributes.additional_details'],
    ['client_reference_id over 200', { name: 'A', generate: true, client_reference_id: 'x'.repeat(201) }, 'parameter_invalid', 'client_reference_id'],
    ['unknown top-level field', { name: 'A', generate: true, colour: 'red' }, 'parameter_unknown', 'colour'],
    ['a JSON array body', [1, 2], 'parameter_invalid', undefined],
  ];
  for (const [name, body, code, param] of cases) {
    test(`${name}: 400 ${code}`, async () => {
      assertEnvelope(await api.post('/v1/characters', body), 400, code, param);
    });
  }

  test('none of the refused creates charged anything or created a character', async () => {
    assert.equal((await api.get('/v1/balance')).body.credits, 10);
    assert.deepEqual((await api.get('/v1/characters')).body.data, []);
  });
});

describe('malformed requests', () => {
  test('malformed JSON is 400 invalid_json', async () => {
    assertEnvelope(await api.post('/v1/characters', '{"name": "A",'), 400, 'invalid_json');
  });

  test('a non-JSON content type is 400 naming Content-Type', async () => {
    const answer = await api.request('POST', '/v1/characters', 'name=A', { 'Content-Type': 'application/x-www-form-urlencoded' });
    assertEnvelope(answer, 400, 'parameter_invalid', 'Content-Type');
  });

  test('an oversized body is 413 payload_too_large', async () => {
    const answer = await api.post('/v1/characters', { name: 'A', generate: true, attributes: { additional_details: 'x'.repeat(100_000) } });
    assertEnvelope(answer, 413, 'payload_too_large');
  });

  test('an unknown route is a 404 in the envelope', async () => {
    assertEnvelope(await api.get('/v1/nothing-here'), 404, 'resource_not_found');
  });

  test('a body on save is refused when it has fields', async () => {
    assertEnvelope(await api.post('/v1/characters/char_01J00000000000000000000000/save', { force: true }), 400, 'parameter_unknown', 'force');
  });
});

describe('versions', () => {
  test('responses echo the applied version; the resource freezes it', async () => {
    const created = await api.post('/v1/characters', { name: 'Versioned', generate: true });
    assert.equal(created.headers.get('aurous-version'), '2026-05-15');
    assert.equal(created.body.aurous_version, '2026-05-15');
    await api.settled(created.body.id);
  });

  test('a second version is one registration: requests pin it by header or by team, resources freeze it', async () => {
    addSupportedVersion('2027-01-01');
    const viaHeader = await api.post('/v1/characters', { name: 'Next', generate: true }, { 'Aurous-Version': '2027-01-01' });
    assert.equal(viaHeader.status, 201);
    assert.equal(viaHeader.headers.get('aurous-version'), '2027-01-01');
    assert.equal(viaHeader.body.aurous_version, '2027-01-01');
    const later = await api.get(`/v1/characters/${viaHeader.body.id}`);
    assert.equal(later.headers.get('aurous-version'), '2026-05-15', 'this request applied the default');
    assert.equal(later.body.aurous_version, '2027-01-01', 'the resource keeps the version it was minted with');

    const { apiKey } = await stack.tenancy.createTeam({ name: 'Pinned', credits: 4, version: '2027-01-01' });
    const pinned = new ApiClient(stack.baseUrl, apiKey);
    const created = await pinned.post('/v1/characters', { name: 'Pinned', generate: true });
    assert.equal(created.headers.get('aurous-version'), '2027-01-01');
    assert.equal(created.body.aurous_version, '2027-01-01');
    const overridden = await pinned.get('/v1/balance', { 'Aurous-Version': '2026-05-15' });
    assert.equal(overridden.headers.get('aurous-version'), '2026-05-15', 'the header wins over the pin');
    await api.settled(viaHeader.body.id);
  });

  test('a malformed version is 400 parameter_invalid; an unknown one is 400 unknown_version', async () => {
    assertEnvelope(await api.get('/v1/characters', { 'Aurous-Version': '2026-5-15' }), 400, 'parameter_invalid', 'Aurous-Version');
    assertEnvelope(await api.get('/v1/characters', { 'Aurous-Version': '2020-01-01' }), 400, 'unknown_version', 'Aurous-Version');
  });
});
