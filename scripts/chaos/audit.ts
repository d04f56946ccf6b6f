/**
 * After the chaos: every character, every image generation and every team ledger against what the
 * clients saw. Two independent accounts must agree: each team's ledger (grants − balance) and what
 * it was delivered: the poses its characters delivered (each character workflow's own count) plus
 * what each generation cost (charged − refunded, itself checked against its delivered outputs).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { getAccounting } from '../../domain/messages.js';
import type { Tenancy } from '../../api/use-cases/tenancy.js';
import type { VirtualClient } from './load.js';
import { type ImageAuditResult, auditAcknowledged, imageCharges, newImageAudit } from './audit-images.js';
import { getJson, readablePng } from './http-checks.js';
import { type ExpectedEvents, LANDED } from './audit-webhooks.js';

const SYNTHESIS_STARTS = new Set(['character.created', 'character.ref_regenerated', 'character.resynthesized']);

export interface TeamUnderTest {
  teamId: string;
  apiKey: string;
  granted: number;
  clients: VirtualClient[];
}

export interface AuditResult {
  characters: number;
  lost: number;
  stuck: number;
  refsMissingOrDuplicated: number;
  imagesUnreadable: number;
  failedWithoutMessage: number;
  failed: number;
  doubleCharged: number;
  underCharged: number;
  images: ImageAuditResult;
  findings: string[];
}

export async function audit(client: Client, tenancy: Tenancy, apiUrl: string, teams: TeamUnderTest[], expected: ExpectedEvents, settleMs = 120_000): Promise<AuditResult> {
  const result: AuditResult = {
    characters: 0,
    lost: 0,
    stuck: 0,
    refsMissingOrDuplicated: 0,
    imagesUnreadable: 0,
    failedWithoutMessage: 0,
    failed: 0,
    doubleCharged: 0,
    underCharged: 0,
    images: newImageAudit(),
    findings: [],
  };
  const note = (finding: string) => result.findings.length < 100 && result.findings.push(finding);

  for (const team of teams) {
    for (const [id, known] of team.clients.flatMap((c) => [...c.characters])) {
      result.characters++;
      let answer = await getJson(`${apiUrl}/v1/characters/${id}`, team.apiKey);
      const deadline = Date.now() + settleMs;
      while (answer.status === 200 && answer.body.status === 'synthesizing' && Date.now() < deadline) {
        await sleep(500);
        answer = await getJson(`${apiUrl}/v1/characters/${id}`, team.apiKey);
      }
      if (known.deletedByMe) {
        if (answer.status !== 404) note(`${id}: deleted by its client but answers ${answer.status}`);
        else expected.expect('character.deleted', id);
        continue;
      }
      if (answer.status !== 200) {
        result.lost++;
        note(`${id}: acknowledged but answers ${answer.status}`);
        continue;
      }
      const character = answer.body;
      if (character.status === 'synthesizing') {
        result.stuck++;
        note(`${id}: still synthesizing after ${settleMs / 1000} s`);
        continue;
      }
      // No ref duplicated, and none lost: every pose the character's history says was delivered is among its refs.
      // (A pose that failed may stay missing: regenerating another pose from failed lands in reviewing, per the contract.)
      const poses: string[] = character.refs.map((r: any) => r.pose);
      const delivered = new Set<string>();
      // Each synthesis started (every one of this load generates) lands once: one webhook event each.
      let syntheses = 0;
      for (let cursor = '', more = true; more; ) {
        const page = await getJson(`${apiUrl}/v1/characters/${id}/events?limit=100${cursor ? `&starting_after=${cursor}` : ''}`, team.apiKey);
        for (const event of page.body.data ?? []) {
          if (event.type === 'character.pose_generated') delivered.add(event.data.pose);
          if (SYNTHESIS_STARTS.has(event.type)) syntheses++;
        }
        more = page.body.has_more;
        cursor = page.body.next_cursor;
      }
      expected.expect(LANDED, id, syntheses);
      const duplicated = poses.length !== new Set(poses).size;
      const missing = [...delivered].filter((p) => !poses.includes(p));
      if (duplicated || missing.length) {
        result.refsMissingOrDuplicated++;
        note(`${id}: ${character.status} with refs ${poses.join(',')}; delivered ${[...delivered].join(',')}`);
      }
      if (character.status === 'failed') {
        result.failed++;
        if (!character.error_message) {
          result.failedWithoutMessage++;
          note(`${id}: failed without error_message`);
        }
      }
      for (const ref of character.refs) {
        if (!(await readablePng(ref.url))) {
          result.imagesUnreadable++;
          note(`${id}: ${ref.pose} image is not a readable PNG`);
        }
      }
    }

    // Every character the team ever had, including deleted and refused ones, from visibility.
    let delivered = 0;
    for await (const info of client.workflow.list({ query: `WorkflowType = 'characterWorkflow' AND TeamId = '${team.teamId}'` })) {
      if (info.status.name === 'CONTINUED_AS_NEW') continue;
      delivered += (await client.workflow.getHandle(info.workflowId, info.runId).query(getAccounting)).delivered;
    }
    const images = team.clients.flatMap((c) => [...c.images]);
    const deadline = Date.now() + settleMs;
    await auditAcknowledged(apiUrl, team.apiKey, images, result.images, note, deadline, expected);
    const imageCredits = await imageCharges(client, team.teamId, new Set(images.map(([id]) => id)), result.images, note, deadline);
    const owed = delivered + imageCredits;
    const charged = team.granted - (await tenancy.team(team.teamId)).credits;
    if (charged !== owed) {
      if (charged > owed) result.doubleCharged += charged - owed;
      else result.underCharged += owed - charged;
      note(`${team.teamId}: charged ${charged} credits for ${delivered} delivered poses and ${imageCredits} credits of delivered image outputs`);
    }
  }
  return result;
}
