/**
 * After the chaos, the image generations: every one a client got a 201 for has finished and its
 * outputs read back as PNGs; every one the team ever started (from visibility, including those
 * whose 201 was lost with a killed API) cost exactly its delivered outputs at the per-output price.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { type ImageGeneration, creditsPerOutput, isTerminal } from '../../domain/images.js';
import { memoOf } from '../../api/use-cases/workflow-calls.js';
import type { KnownImage } from './load.js';
import { getJson, readablePng } from './http-checks.js';
import type { ExpectedEvents } from './audit-webhooks.js';
import { imageEventFor } from '../../domain/webhooks.js';

export interface ImageAuditResult {
  generations: number;
  withCharacter: number;
  fourK: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  outputsDelivered: number;
  lost: number;
  notFinished: number;
  outputsUnreadable: number;
  chargedWrongly: number;
}

export function newImageAudit(): ImageAuditResult {
  return { generations: 0, withCharacter: 0, fourK: 0, succeeded: 0, failed: 0, cancelled: 0, outputsDelivered: 0, lost: 0, notFinished: 0, outputsUnreadable: 0, chargedWrongly: 0 };
}

/** The acknowledged generations of one team, through the API as their clients would read them. */
export async function auditAcknowledged(apiUrl: string, apiKey: string, images: [string, KnownImage][], result: ImageAuditResult, note: (f: string) => void, deadline: number, expected: ExpectedEvents): Promise<void> {
  for (const [id, known] of images) {
    result.generations++;
    if (known.withCharacter) result.withCharacter++;
    if (known.tier === '4k') result.fourK++;
    let answer = await getJson(`${apiUrl}/v1/images/${id}`, apiKey);
    while (answer.status === 200 && !isTerminal(answer.body.status) && Date.now() < deadline) {
      await sleep(500);
      answer = await getJson(`${apiUrl}/v1/images/${id}`, apiKey);
    }
    if (answer.status !== 200) {
      result.lost++;
      note(`${id}: acknowledged with 201 but answers ${answer.status}`);
      continue;
    }
    const status: 'succeeded' | 'failed' | 'cancelled' | string = answer.body.status;
    if (status !== 'succeeded' && status !== 'failed' && status !== 'cancelled') {
      result.notFinished++;
      note(`${id}: still ${status}`);
      continue;
    }
    result[status]++;
    expected.expect(imageEventFor('processing', status)!, id);
    for (const url of answer.body.output_urls as string[]) {
      if (await readablePng(url)) result.outputsDelivered++;
      else {
        result.outputsUnreadable++;
        note(`${id}: output ${url} is not a readable PNG`);
      }
    }
  }
}

/**
 * Every generation of the team, from each workflow's own record once it has settled: checks that
 * it cost its delivered outputs exactly, and returns what they cost the team in all.
 */
export async function imageCharges(client: Client, teamId: string, acknowledged: Set<string>, result: ImageAuditResult, note: (f: string) => void, deadline: number): Promise<number> {
  let total = 0;
  for await (const info of client.workflow.list({ query: `WorkflowType = 'imageWorkflow' AND TeamId = '${teamId}'` })) {
    const handle = client.workflow.getHandle(info.workflowId);
    let image = (await memoOf<ImageGeneration>(handle, 'image')).value;
    // `new` never got paid for (its submission never reached a worker), `rejected` was refused: neither settles further.
    const settled = (i?: ImageGeneration) => !i || isTerminal(i.status) || i.status === 'new' || i.status === 'rejected';
    while (!settled(image) && Date.now() < deadline) {
      await sleep(500);
      image = (await memoOf<ImageGeneration>(handle, 'image')).value;
    }
    if (!image) continue;
    const net = image.charged - image.refunded;
    total += net;
    if (!settled(image)) {
      // An acknowledged one is counted by auditAcknowledged already.
      if (!acknowledged.has(image.id)) result.notFinished++;
      note(`${image.id}: ${image.status} at the end of the audit`);
      continue;
    }
    const delivered = image.outputs.filter(Boolean).length;
    const expected = delivered * creditsPerOutput(image.width, image.height);
    if (net !== expected) {
      result.chargedWrongly++;
      note(`${image.id}: ${image.status}, cost ${net} credits (charged ${image.charged}, refunded ${image.refunded}) for ${delivered} delivered outputs; expected ${expected}`);
    }
  }
  return total;
}
