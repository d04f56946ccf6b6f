/**
 * "Build B" of the workflows for test/workflow/versioning.test.ts: today's workflows with two
 * changes, as a real release would make them.
 * - The character workflow (auto-upgrade) gains a step, behind `patched()`: runs started on build A
 *   that move here replay without it; new runs take it and say so in their memo.
 * - The image workflow (pinned) gains the same step with no patch: a change that would break any
 *   run started on build A if one ever replayed here (its first task's commands differ). None may:
 *   pinned runs finish where they started.
 */
import { patched, upsertMemo } from '@temporalio/workflow';
import * as buildA from '../../../workflows/index.js';
import type { CharacterWorkflowInput } from '../../../workflows/character/state.js';
import type { ImageWorkflowInput } from '../../../workflows/image.js';
import { declareVersioning } from '../../../workflows/versioning.js';

export const BUILD_B_PATCH = 'build-b-marks-its-runs';

export async function characterWorkflow(input: CharacterWorkflowInput) {
  if (patched(BUILD_B_PATCH)) upsertMemo({ startedOnBuild: 'B' });
  return buildA.characterWorkflow(input);
}

export async function imageWorkflow(input: ImageWorkflowInput) {
  upsertMemo({ startedOnBuild: 'B' });
  return buildA.imageWorkflow(input);
}

export const { apiKeyWorkflow, idempotencyWorkflow, teamWorkflow, uploadWorkflow, webhookDeliveryWorkflow, webhookEndpointWorkflow, webhookEventWorkflow } = buildA;

declareVersioning({ ...buildA, characterWorkflow, imageWorkflow });
