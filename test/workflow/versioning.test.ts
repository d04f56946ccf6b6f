/**
 * Worker Deployment Versioning, as the README's runbook rolls a release out: build A is current and
 * runs characters and a generation; build B (test/support/build-b/workflows.ts: a patched change to
 * the character workflow, an unpatched one to the image workflow) starts polling; the operator makes
 * it current with the CLI. Old pinned runs finish on A, old auto-upgrade runs move to B and replay
 * there, new runs take B's code, and no workflow task fails.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { toCanonicalString, type WorkerDeploymentVersion } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { FilesystemBlobStore } from '../../activities/blobs/filesystem.js';
import { createLogger } from '../../platform/logger.js';
import { ensureTemporalCli } from '../../scripts/temporal/cli.js';
import { createCharacterWorker } from '../../worker/create-worker.js';
import type { ApiClient } from '../support/http.js';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { type TestStack, testWorkerWebhooks, useStack, workflowBundle } from '../support/stack.js';

const DEPLOYMENT = 'aurous-versioning-test';
const A: WorkerDeploymentVersion = { deploymentName: DEPLOYMENT, buildId: 'build-a' };
const B: WorkerDeploymentVersion = { deploymentName: DEPLOYMENT, buildId: 'build-b' };

let buildB: WorkflowBundleWithSourceMap;
const running: { worker: Worker; run: Promise<void>; connection?: NativeConnection }[] = [];

async function startBuild(stack: TestStack, version: WorkerDeploymentVersion, bundle: Awaited<ReturnType<typeof workflowBundle>>): Promise<void> {
  // A connection per build, as two hosts would have.
  const connection = await NativeConnection.connect({ address: stack.env.address });
  const worker = await createCharacterWorker({
    connection,
    client: stack.env.client,
    namespace: stack.env.namespace ?? 'default',
    taskQueue: stack.taskQueue,
    blobs: new FilesystemBlobStore(stack.blobDir),
    backend: new ScriptedBackend(),
    workflowBundle: bundle,
    deployment: version,
    webhooks: testWorkerWebhooks(),
  });
  running.push({ worker, run: worker.run(), connection });
}

async function routing(client: Client) {
  const { workerDeploymentInfo } = await client.workflowService.describeWorkerDeployment({ namespace: client.options.namespace, deploymentName: DEPLOYMENT });
  return workerDeploymentInfo;
}

/** What an operator runs (README): the CLI's set-current-version, then waits until routing has it. */
async function setCurrent(stack: TestStack, version: WorkerDeploymentVersion): Promise<void> {
  for (let i = 0; ; i++) {
    const info = await routing(stack.env.client).catch(() => null);
    if (info?.versionSummaries?.some((v) => v.deploymentVersion?.buildId === version.buildId)) break;
    if (i > 100) throw new Error(`${toCanonicalString(version)} never registered its pollers`);
    await sleep(100);
  }
  const cli = await ensureTemporalCli();
  // The server refuses while the new build has not yet polled every task queue the current one
  // serves (its workflow and activity pollers register one after the other): try again, as an operator would.
  for (let i = 0; ; i++) {
    try {
      await promisify(execFile)(cli, ['worker', 'deployment', 'set-current-version', '--address', stack.env.address, '--namespace', stack.env.namespace ?? 'default',
        '--deployment-name', version.deploymentName, '--build-id', version.buildId, '--yes']);
      break;
    } catch (err) {
      if (i > 50 || !/missing active task queues/.test(String((err as { stderr?: string }).stderr))) throw err;
      await sleep(200);
    }
  }
  for (let i = 0; ; i++) {
    const info = await routing(stack.env.client);
    const done = info?.routingConfig?.currentDeploymentVersion?.buildId === version.buildId && info.routingConfigUpdateState !== 1; // 1: IN_PROGRESS
    if (done) return;
    if (i > 100) throw new Error(`routing never reached ${toCanonicalString(version)}`);
    await sleep(100);
  }
}

const stack = useStack({ worker: false }, async (stack) => {
  buildB = await bundleWorkflowCode({
    workflowsPath: new URL('../support/build-b/workflows.ts', import.meta.url).pathname,
    logger: createLogger('warn', 'bundler') as never,
  });
  await startBuild(stack, A, await workflowBundle());
  await startBuild(stack, B, buildB);
  await setCurrent(stack, A);
});

after(async () => {
  for (const { worker } of running) worker.shutdown();
  await Promise.all(running.map((r) => r.run));
  await Promise.all(running.map((r) => r.connection?.close()));
});

/** The build of every workflow task a run completed, in order. */
async function buildsOf(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  assert.ok(!history.events?.some((e) => e.workflowTaskFailedEventAttributes), `${workflowId}: a workflow task failed (non-determinism?)`);
  return (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes.deploymentVersion?.buildId ?? 'unversioned'] : []));
}

/** The versioning behaviour each completed workflow task declared (workflows/versioning.ts). */
async function behavioursOf(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const names = ['UNSPECIFIED', 'PINNED', 'AUTO_UPGRADE'];
  return [...new Set((history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes ? [names[e.workflowTaskCompletedEventAttributes.versioningBehavior ?? 0]!] : [])))];
}

async function memo(client: Client, workflowId: string): Promise<Record<string, unknown>> {
  return (await client.workflow.getHandle(workflowId).describe()).memo ?? {};
}

async function readyCharacter(api: ApiClient, hair: string): Promise<string> {
  const created = await api.post('/v1/characters', { name: 'Versioned', generate: true, attributes: { hair_color: hair } });
  assert.equal(created.status, 201, created.text);
  assert.equal((await api.settled(created.body.id)).status, 'reviewing');
  assert.equal((await api.post(`/v1/characters/${created.body.id}/save`)).status, 200);
  return created.body.id;
}

describe('a release under running workflows', () => {
  test('old runs finish correctly (pinned on A, characters upgraded to B), new runs run B’s code, no workflow task fails', async () => {
    const client = stack.env.client;
    const { teamId, api } = await stack.team(40);

    // On build A: a ready character, and a generation still running when B becomes current.
    const before = await readyCharacter(api, 'amber');
    const slow = await api.post('/v1/images', { prompt: 'a long render slow:4000', character_id: before, count: 1, seed: 3 });
    assert.equal(slow.status, 201, slow.text);
    assert.ok((await buildsOf(client, before)).every((b) => b === A.buildId));

    await setCurrent(stack, B);

    // The pinned generation finishes on A, although B's image workflow would not replay its history.
    const generation = await api.imageSettled(slow.body.id, 30_000);
    assert.equal(generation.status, 'succeeded', JSON.stringify(generation));
    assert.deepEqual([...new Set(await buildsOf(client, slow.body.id))], [A.buildId]);
    assert.equal((await memo(client, slow.body.id)).startedOnBuild, undefined);
    const history = await client.workflow.getHandle(slow.body.id).fetchHistory();
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: buildB }, history, slow.body.id), DeterminismViolationError, 'B could not have finished it');

    // The character started on A takes its next change on B, replaying A's history there.
    const regenerated = await api.post(`/v1/characters/${before}/refs/regenerate`, { pose: 'side' });
    assert.equal(regenerated.status, 200, regenerated.text);
    const after = await api.settled(before);
    assert.equal(after.status, 'ready');
    const beforeBuilds = await buildsOf(client, before);
    assert.equal(beforeBuilds[0], A.buildId);
    assert.equal(beforeBuilds.at(-1), B.buildId);
    assert.equal((await memo(client, before)).startedOnBuild, undefined, 'the patched step is skipped by runs that began without it');

    // New runs on B's code: the patched step, and B's image workflow.
    const fresh = await readyCharacter(api, 'cobalt');
    assert.equal((await memo(client, fresh)).startedOnBuild, 'B');
    assert.deepEqual([...new Set(await buildsOf(client, fresh))], [B.buildId]);
    const image = await api.post('/v1/images', { prompt: 'by the sea', character_id: fresh, count: 1, seed: 5 });
    assert.equal(image.status, 201, image.text);
    assert.equal((await api.imageSettled(image.body.id)).status, 'succeeded');
    assert.deepEqual([...new Set(await buildsOf(client, image.body.id))], [B.buildId]);
    assert.equal((await memo(client, image.body.id)).startedOnBuild, 'B');

    // Each type declared the behaviour workflows/versioning.ts gives it.
    assert.deepEqual(await behavioursOf(client, slow.body.id), ['PINNED']);
    assert.deepEqual(await behavioursOf(client, fresh), ['AUTO_UPGRADE']);
    assert.deepEqual(await behavioursOf(client, teamId), ['AUTO_UPGRADE']);

    // The team's ledger (auto-upgrade) took debits on both builds without a failed task.
    assert.deepEqual([...new Set(await buildsOf(client, teamId))], [A.buildId, B.buildId]);
    assert.equal((await api.get('/v1/balance')).body.credits, 40 - 4 - 1 - 1 - 4 - 1);
  });
});
