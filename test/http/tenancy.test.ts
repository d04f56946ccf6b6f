/** Teams, keys and files: isolation between teams, key handling, signed URLs, health. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { UrlSigner } from '../../api/signing.js';
import { ApiClient } from '../support/http.js';
import { spawnApi } from '../support/processes.js';
import { TEST_FILE_URL_SECRET, useStack } from '../support/stack.js';

const stack = useStack();

async function readyCharacter(api: ApiClient) {
  const created = await api.post('/v1/characters', { name: 'Mine', generate: true });
  return api.settled(created.body.id);
}

describe('authentication', () => {
  test('no key, an unknown key and a malformed key are 401 invalid_api_key in the envelope', async () => {
    for (const headers of [{}, { 'X-Api-Key': 'al_live_doesnotexist' }, { 'X-Api-Key': 'sk_wrong' }] as Record<string, string>[]) {
      const answer = await stack.anonymous.get('/v1/characters', headers);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.error.type, 'authentication_error');
      assert.equal(answer.body.error.code, 'invalid_api_key');
      assert.equal(answer.headers.get('aurous-request-id'), answer.body.error.request_id);
    }
  });

  test('keys are stored only as hashes: the key workflow is named by its SHA-256 and holds no key', async () => {
    const { apiKey } = await stack.team(0);
    const hash = createHash('sha256').update(apiKey).digest('hex');
    const handle = stack.env.client.workflow.getHandle(`apikey_${hash}`);
    const history = JSON.stringify(await handle.fetchHistory());
    assert.ok(!history.includes(apiKey));
  });
});

describe('secrets stay secret', () => {
  test('API keys never appear in the logs, even for refused and failed requests', async () => {
    const api = await spawnApi(stack, { env: { LOG_LEVEL: 'debug' } });
    try {
      const { apiKey } = await stack.team(10);
      const client = api.client(apiKey);
      const created = await client.post('/v1/characters', { name: 'Logged', generate: true });
      await client.get(`/v1/characters/${created.body.id}`);
      await client.post('/v1/characters', '{broken', { 'Idempotency-Key': 'k' });
      await api.client('al_live_notarealkeybutsecretlooking').get('/v1/characters');
      await new Promise((r) => setTimeout(r, 200));
      const logs = api.logs.join('\n');
      assert.match(logs, /"msg":"request"/);
      assert.match(logs, new RegExp(created.headers.get('aurous-request-id')!));
      assert.ok(!logs.includes(apiKey), 'the team key is not logged');
      assert.ok(!logs.includes('al_live_notarealkeybutsecretlooking'), 'a refused key is not logged');
      assert.ok(!logs.includes('sig='), 'file URL signatures are not logged');
    } finally {
      await api.stop();
    }
  });
});

describe('cross-team access', () => {
  test('every route answers 404 for another team’s character, exactly as for a missing one', async () => {
    const owner = await stack.team(10);
    const other = await stack.team(10);
    const character = await readyCharacter(owner.api);
    const missing = 'char_01J00000000000000000000000';
    const calls = (id: string) => [
      other.api.get(`/v1/characters/${id}`),
      other.api.patch(`/v1/characters/${id}`, { name: 'stolen' }),
      other.api.post(`/v1/characters/${id}/save`),
      other.api.post(`/v1/characters/${id}/refs/regenerate`, { pose: 'front' }),
      other.api.post(`/v1/characters/${id}/resynthesize`),
      other.api.delete(`/v1/characters/${id}`),
    ];
    const foreign = await Promise.all(calls(character.id));
    const absent = await Promise.all(calls(missing));
    for (let i = 0; i < foreign.length; i++) {
      assert.equal(foreign[i]!.status, 404);
      const strip = (b: any) => ({ ...b.error, request_id: undefined });
      assert.deepEqual(strip(foreign[i]!.body), strip(absent[i]!.body));
    }
    assert.deepEqual((await other.api.get('/v1/characters')).body.data, []);
    const still = await owner.api.get(`/v1/characters/${character.id}`);
    assert.equal(still.body.name, 'Mine');
    assert.equal(still.body.status, 'reviewing');
    assert.equal((await other.api.get('/v1/balance')).body.credits, 10);
    assert.equal((await owner.api.get('/v1/balance')).body.credits, 6);
  });

  test('an id that is not a character id is a plain 404', async () => {
    const { api } = await stack.team(0);
    const answer = await api.get('/v1/characters/team_123');
    assert.equal(answer.status, 404);
    assert.equal(answer.body.error.code, 'resource_not_found');
  });
});

describe('signed file URLs', () => {
  test('a tampered signature, another file with a valid signature, and an expired URL are 403', async () => {
    const { api } = await stack.team(10);
    const character = await readyCharacter(api);
    const url = new URL(character.refs[0].url);
    const tampered = new URL(url);
    tampered.searchParams.set('sig', `${url.searchParams.get('sig')!.slice(0, -2)}AA`);
    const otherFile = new URL(character.refs[1].url);
    otherFile.searchParams.set('sig', url.searchParams.get('sig')!);
    otherFile.searchParams.set('expires', url.searchParams.get('expires')!);
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 60));
    const unsigned = new URL(url);
    unsigned.search = '';
    for (const bad of [tampered, otherFile, later, unsigned]) {
      const answer = await stack.anonymous.get(bad.toString());
      assert.equal(answer.status, 403, bad.toString());
      assert.equal(answer.body.error.code, 'url_invalid_or_expired');
    }
    const key = decodeURIComponent(url.pathname.replace('/v1/files/', ''));
    const expired = new UrlSigner(TEST_FILE_URL_SECRET, 60).sign(key, Date.now() - 120_000);
    const answer = await stack.anonymous.get(expired);
    assert.equal(answer.status, 403);
    assert.equal((await fetch(url)).status, 200, 'the genuine URL works without an API key');
  });

  test('a path that tries to leave the blob store is refused', async () => {
    const answer = await stack.anonymous.get('/v1/files/..%2F..%2Fetc%2Fpasswd?expires=9999999999&sig=x');
    assert.equal(answer.status, 403);
  });

  test('no image bytes enter workflow history: every payload is a small record', async () => {
    const { api } = await stack.team(10);
    const character = await readyCharacter(api);
    const history = await stack.env.client.workflow.getHandle(character.id).fetchHistory();
    const size = JSON.stringify(history).length;
    assert.ok(size < 100_000, `history is ${size} bytes`);
    const stored = (await readdir(stack.blobDir, { recursive: true })).map(String).filter((f) => f.includes(character.id) && f.endsWith('.png'));
    assert.equal(stored.length, 4);
    const sizes = await Promise.all(stored.map(async (f) => (await readFile(join(stack.blobDir, f))).length));
    assert.ok(sizes.every((n) => n > 100));
  });
});

describe('health', () => {
  test('/healthz is 200; /readyz is 200 with a polling worker', async () => {
    assert.deepEqual((await stack.anonymous.get('/healthz')).body, { status: 'ok' });
    assert.deepEqual((await stack.anonymous.get('/readyz')).body, { status: 'ready' });
  });
});

describe('operator CLI', () => {
  const run = promisify(execFile);
  const admin = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
      env: { ...process.env, TEMPORAL_ADDRESS: stack.env.address, TEMPORAL_TASK_QUEUE: stack.taskQueue },
    });
    return JSON.parse(stdout);
  };

  test('creates a team with credits, grants and shows credits, creates and revokes keys', async () => {
    const team = await admin('team', 'create', '--name', 'Acme', '--credits', '100');
    assert.match(team.team_id, /^team_/);
    assert.match(team.api_key, /^al_live_/);
    assert.deepEqual(await admin('credits', 'grant', '--team', team.team_id, '--amount', '50'), { team_id: team.team_id, credits: 150 });
    assert.deepEqual(await admin('credits', 'show', '--team', team.team_id), { team_id: team.team_id, credits: 150 });
    const api = new ApiClient(stack.baseUrl, team.api_key);
    assert.equal((await api.get('/v1/balance')).body.credits, 150);
    const second = await admin('key', 'create', '--team', team.team_id);
    assert.equal((await new ApiClient(stack.baseUrl, second.api_key).get('/v1/balance')).status, 200);
    assert.deepEqual(await admin('key', 'revoke', '--key', team.api_key), { revoked: true });
    // The API trusts a lookup for a short time (200 ms in tests, 5 s by default).
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await api.get('/v1/balance')).status, 401);
    assert.equal((await new ApiClient(stack.baseUrl, second.api_key).get('/v1/balance')).status, 200);
  });

  test('setup registers the search attributes idempotently on an existing cluster', async () => {
    const env = { ...process.env, TEMPORAL_ADDRESS: stack.env.address };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/setup.ts'], { env });
    assert.deepEqual(JSON.parse(stdout).registered, [], 'the stack registered them already');
    assert.ok(JSON.parse(stdout).already_present.includes('CharacterStatus'));
  });

  test('bad usage exits non-zero with the message on stderr', async () => {
    await assert.rejects(run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'credits', 'grant', '--team', 'nope', '--amount', '5'], {
      env: { ...process.env, TEMPORAL_ADDRESS: stack.env.address },
    }), (err: any) => err.code === 1 && /--team must be a team id/.test(err.stderr));
  });
});
