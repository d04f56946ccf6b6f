/** Metrics and logs an operator scrapes: the API's request metrics on their own listener, the worker's SDK and generation metrics. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { freePort } from '../../scripts/support/cluster.js';
import { spawnApi } from '../support/processes.js';
import { useStack } from '../support/stack.js';

const stack = useStack();

async function scrape(url: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url);
      if (response.ok) return await response.text();
    } catch (err) {
      if (attempt > 100) throw err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a worker process exports the SDK metrics and aurous_generations; the API exports request metrics by route on its metrics listener only', async () => {
  const metricsPort = await freePort();
  const taskQueue = 'metrics-test';
  const worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BLOB_DIR: stack.blobDir,
      RENDERER_LATENCY_MS: '10',
      WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const api = await spawnApi(stack, { env: { TEMPORAL_TASK_QUEUE: taskQueue, API_METRICS_ADDRESS: '127.0.0.1:0' } });
  try {
    const { apiKey } = await stack.tenancy.createTeam({ name: 'Metrics', credits: 10 });
    const client = api.client(apiKey);
    const created = await client.post('/v1/characters', { name: 'Measured', generate: true });
    assert.equal(created.status, 201, created.text);
    await client.settled(created.body.id);
    await client.get('/v1/characters/char_01J00000000000000000000000');

    const workerMetrics = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.match(workerMetrics, /aurous_generations\{[^}]*backend="renderer"[^}]*outcome="delivered"[^}]*\} 4/);
    assert.match(workerMetrics, /temporal_workflow_task_execution_latency/);
    assert.match(workerMetrics, /temporal_activity_execution_latency/);

    const listening = api.logs.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'api listening');
    assert.match(listening.metrics, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const apiMetrics = await scrape(listening.metrics);
    assert.match(apiMetrics, /aurous_http_requests_total\{route="\/v1\/characters",method="POST",status="201"\} 1/);
    assert.match(apiMetrics, /aurous_http_requests_total\{route="\/v1\/characters\/:id",method="GET",status="404"\} 1/);
    assert.match(apiMetrics, /aurous_http_request_duration_seconds_bucket\{le="0.5",route="\/v1\/characters\/:id",method="GET"\}/);
    assert.ok(!apiMetrics.includes('char_'), 'no ids in labels');

    for (const key of [undefined, apiKey]) {
      const publicMetrics = await api.client(key!).get('/metrics');
      assert.equal(publicMetrics.status, 404, 'the public port does not serve metrics, with or without a key');
      assert.equal(publicMetrics.body.error.code, 'resource_not_found');
    }
    assert.equal((await fetch(listening.metrics.replace('/metrics', '/v1/balance'))).status, 404, 'the metrics listener serves metrics only');
  } finally {
    worker.kill('SIGTERM');
    await api.stop();
  }
});
