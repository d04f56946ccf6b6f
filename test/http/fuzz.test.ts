/**
 * Property-based fuzzing of the HTTP surface: generated methods, paths, queries, headers and
 * bodies on every route. Every answer is a 2xx, or a 4xx in the contract's envelope that changed
 * nothing and charged nothing. Never a 5xx.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { POSES } from '../../domain/character.js';
import type { ApiClient, ApiResponse } from '../support/http.js';
import { beforeWithStack, useStack } from '../support/stack.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

let api: ApiClient;
let teamId: string;
let mine: string;
let foreign: string;

const stack = useStack();
beforeWithStack(async () => {
  // Few credits: the paid routes run out early and keep answering 402.
  ({ api, teamId } = await stack.team(30));
  const other = await stack.team(10);
  foreign = (await other.api.post('/v1/characters', { name: 'Not yours', generate: true })).body.id;
  mine = await freshCharacter();
});

/** A new character to aim at, paid for out of band (the fuzzed calls may have spent every credit). */
async function freshCharacter(): Promise<string> {
  await stack.tenancy.grant(teamId, 4);
  const created = await api.post('/v1/characters', { name: 'Fuzzed', generate: true, attributes: { hair_color: 'black' } });
  await api.settled(created.body.id);
  return created.body.id;
}

/** What a call could change: the character (URLs aside, they are re-signed per read) and the balance. */
async function snapshot(): Promise<string> {
  const character = await api.waitFor(mine, (c) => c.status !== 'synthesizing').catch(() => null);
  const balance = (await api.get('/v1/balance')).body.credits;
  if (character) character.refs = character.refs.map((r: any) => ({ pose: r.pose, path: new URL(r.url).pathname }));
  return JSON.stringify({ character, balance });
}

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
const anyText = fc.string({ maxLength: 40 });

const attributeValue = fc.oneof(anyText, fc.integer({ min: -10, max: 300 }), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 1 }));
const attributes = fc.oneof(
  fc.constant(null),
  fc.dictionary(fc.constantFrom('gender', 'age', 'hair_color', 'eye_color', 'body_type', 'additional_details', 'wings', '__proto__', 'constructor'), attributeValue, { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const mutatedBody = fc.record(
  {
    name: fc.oneof(anyText, fc.string({ minLength: 75, maxLength: 90 }), fc.integer()),
    generate: fc.oneof(fc.constant(true), fc.boolean(), fc.constant('true')),
    attributes,
    client_reference_id: fc.oneof(anyText, fc.constant(null)),
    pose: fc.oneof(fc.constantFrom(...POSES), anyText),
    prompt_override: fc.oneof(anyText, fc.string({ minLength: 990, maxLength: 1010 })),
    force_all: fc.oneof(fc.boolean(), anyText),
    refs: fc.array(anyText, { maxLength: 2 }),
    status: fc.constantFrom('ready', 'deleted'),
    upload_ids: fc.array(anyText, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const validAttributes = fc.record({ hair_color: fc.constantFrom('black', 'red'), age: fc.integer({ min: 0, max: 150 }) }, { requiredKeys: [] });

/** Per route: a body that is probably valid, sometimes mutated, sometimes any JSON at all. */
function bodyFor(template: string) {
  const valid = template.endsWith('/regenerate')
    ? fc.record({ pose: fc.constantFrom(...POSES), prompt_override: fc.string({ maxLength: 20 }) }, { requiredKeys: ['pose'] })
    : template.endsWith('/resynthesize')
      ? fc.record({ force_all: fc.boolean() }, { requiredKeys: [] })
      : template === '/v1/characters'
        ? fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), generate: fc.constant(true), attributes: validAttributes })
        : template === '/v1/characters/{id}'
          ? fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), attributes: fc.oneof(fc.constant(null), validAttributes) }, { requiredKeys: [] })
          : fc.constant({});
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 2, arbitrary: mutatedBody },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const id = fc.oneof(
  { weight: 6, arbitrary: fc.constant('MINE') },
  { weight: 1, arbitrary: fc.constant('FOREIGN') },
  { weight: 1, arbitrary: fc.constant('char_01J00000000000000000000000') },
  { weight: 1, arbitrary: fc.stringMatching(/^char_[0-9A-Z]{20,30}$/) },
  { weight: 1, arbitrary: anyText.map(encodeURIComponent) },
);
const route = fc.constantFrom(
  ['GET', '/v1/characters'],
  ['POST', '/v1/characters'],
  ['GET', '/v1/characters/{id}'],
  ['PATCH', '/v1/characters/{id}'],
  ['DELETE', '/v1/characters/{id}'],
  ['POST', '/v1/characters/{id}/save'],
  ['POST', '/v1/characters/{id}/refs/regenerate'],
  ['POST', '/v1/characters/{id}/resynthesize'],
  ['GET', '/v1/balance'],
  ['GET', '/v1/files/{id}/x.png'],
  ['PUT', '/v1/characters/{id}'],
);
const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(fc.constantFrom('limit', 'starting_after', 'status', 'expires', 'sig', 'x', 'limit[]'), fc.oneof(anyText, fc.constantFrom('5', 'ready', '100')), { maxKeys: 3 })
      .map((q) => `?${new URLSearchParams(q)}`),
  },
);
const headers = fc.record(
  {
    // A few shared keys, so keys get reused on other bodies and routes.
    'Idempotency-Key': fc.oneof({ weight: 3, arbitrary: fc.constantFrom('k1', 'k2', 'k3') }, { weight: 1, arbitrary: printable(300) }),
    'Aurous-Version': fc.oneof(printable(12), fc.constantFrom('2026-05-15', '2026-13-45', '2020-01-01')),
    'Content-Type': fc.constantFrom('text/plain', 'application/json; charset=latin1', 'multipart/form-data'),
  },
  { requiredKeys: [] },
).filter((h) => Object.keys(h).length <= 1);
const request = route.chain(([method, template]) => fc.tuple(fc.constant([method!, template!] as const), id, query, headers, bodyFor(template!)));

function assertEnvelope(answer: ApiResponse): void {
  assert.ok(answer.status < 500, `5xx: ${answer.status} ${answer.text}`);
  if (answer.status < 400) return;
  const error = answer.body?.error;
  assert.ok(error, `no envelope: ${answer.status} ${answer.text}`);
  assert.ok(['invalid_request_error', 'authentication_error', 'rate_limit_error'].includes(error.type), answer.text);
  assert.equal(typeof error.code, 'string');
  assert.ok(typeof error.message === 'string' && error.message.length > 0);
  assert.equal(error.request_id, answer.headers.get('aurous-request-id'));
  assert.ok(!/node_modules|\.ts:\d+|at async/.test(answer.text), `internals leaked: ${answer.text}`);
}

test(`${RUNS} generated requests: never a 5xx, every 4xx in the envelope and without effect`, async () => {
  let before = await snapshot();
  const seen = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async ([[method, template], target, search, extraHeaders, payload]) => {
      const path = template.replace('{id}', target === 'MINE' ? mine : target === 'FOREIGN' ? foreign : target);
      // fetch cannot send a body with GET.
      const raw = payload === undefined || method === 'GET' ? undefined : JSON.stringify(payload);
      const answer = await api.request(method, `${path}${search}`, raw, raw === undefined ? (({ 'Content-Type': _, ...h }) => h)(extraHeaders) : extraHeaders);
      seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
      try {
        assertEnvelope(answer);
      } catch (err) {
        console.error(method, path, search, raw, answer.status, answer.text.slice(0, 300));
        throw err;
      }
      if (answer.status >= 400) {
        assert.equal(await snapshot(), before, `${method} ${path}${search} ${raw} → ${answer.status} changed something`);
      } else {
        if ((await api.get(`/v1/characters/${mine}`)).status === 404) mine = await freshCharacter();
        before = await snapshot();
      }
    }),
    { numRuns: RUNS },
  );
  console.log('statuses seen:', Object.fromEntries([...seen].sort()));
  assert.ok([...seen.keys()].some((s) => s < 300), 'some requests succeeded');
  assert.ok([400, 402, 403, 404, 405, 409].every((s) => seen.has(s)), `the common refusals were reached: ${[...seen.keys()]}`);
});
