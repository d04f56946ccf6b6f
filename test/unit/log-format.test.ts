import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLogLine } from '../../platform/log-format.js';

const plain = (line: string) => line.replace(/\x1b\[[0-9;]*m/g, '');

test('a request record reads as method, path, status and duration, other fields as key=value', () => {
  const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 12), name: 'api', msg: 'request', method: 'GET', path: '/v1/balance', status: 200, ms: 3.7, requestId: 'req_1' });
  assert.match(plain(formatLogLine(line)), /^\d\d:\d\d:\d\d INFO +api GET \/v1\/balance → 200 \(4 ms\) requestId=req_1\n$/);
});

test('an error record shows its message, fields and stack; a line that is not JSON passes through', () => {
  const line = JSON.stringify({ level: 50, time: 0, name: 'worker', msg: 'request failed', route: 'POST /v1/x', err: { stack: 'Error: boom\n    at here' } });
  assert.match(plain(formatLogLine(line)), /ERROR worker request failed route="POST \/v1\/x"\nError: boom\n    at here\n$/);
  assert.equal(formatLogLine('not json'), 'not json');
});
