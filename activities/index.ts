/**
 * The side effects of a character's life: generating a pose into the blob store, moving credits on
 * the team ledger, purging images. Built from their dependencies so tests can swap the backend.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Attributes, ImageRecord, Pose } from '../domain/character.js';
import { describeCharacter } from '../domain/character.js';
import { PERMANENT_GENERATION_ERROR } from '../domain/errors.js';
import type { DebitResult, LedgerEntry, RefundEntry, RefundResult } from '../domain/messages.js';
import { debitCredits, refundCredits } from '../domain/messages.js';
import type { BlobStore } from './blobs/store.js';
import type { InferenceBackend } from './inference/backend.js';
import { PermanentGenerationFailure, TransientGenerationFailure } from './inference/backend.js';

export interface ActivityDeps {
  client: Client;
  blobs: BlobStore;
  backend: InferenceBackend;
  /** Observes each generation's outcome (metrics, tests). */
  onGeneration?: (outcome: { backend: string; pose: Pose; ok: boolean }) => void;
  /** Deadline of one generation attempt: a backend that hangs fails transiently and is retried. */
  generationTimeoutMs?: number;
}

export interface GeneratePoseInput {
  teamId: string;
  characterId: string;
  pose: Pose;
  seed: number;
  attributes: Attributes | null;
  promptOverride?: string;
}

const HEARTBEAT_EVERY_MS = 2000;

/** `aurous_generations{backend, outcome}`, exported with the Temporal SDK's own worker metrics. */
function countGeneration(ctx: Context, backend: string, outcome: string): void {
  ctx.metricMeter.createCounter('aurous_generations', 'generations', 'Pose generation attempts by backend and outcome').add(1, { backend, outcome });
}

export function createActivities({ client, blobs, backend, onGeneration, generationTimeoutMs = 300_000 }: ActivityDeps) {
  return {
    /** Generates one pose and stores it; only the small record goes back into history. */
    async generatePose(input: GeneratePoseInput): Promise<ImageRecord> {
      const ctx = Context.current();
      const heartbeat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
      const deadline = AbortSignal.timeout(generationTimeoutMs);
      try {
        const image = await backend.generate({
          pose: input.pose,
          seed: input.seed,
          attributes: input.attributes,
          prompt: describeCharacter(input.attributes, input.pose, input.promptOverride),
          signal: AbortSignal.any([ctx.cancellationSignal, deadline]),
        });
        ctx.cancellationSignal.throwIfAborted();
        const key = `${input.teamId}/${input.characterId}/${input.pose}-${input.seed}${extensionOf(image.contentType)}`;
        await blobs.put(key, image.bytes, image.contentType);
        countGeneration(ctx, backend.name, 'delivered');
        onGeneration?.({ backend: backend.name, pose: input.pose, ok: true });
        return {
          key,
          contentType: image.contentType,
          size: image.bytes.length,
          sha256: createHash('sha256').update(image.bytes).digest('hex'),
        };
      } catch (err) {
        countGeneration(ctx, backend.name, ctx.cancellationSignal.aborted ? 'cancelled' : err instanceof PermanentGenerationFailure ? 'failed_permanently' : 'failed_transiently');
        onGeneration?.({ backend: backend.name, pose: input.pose, ok: false });
        if (deadline.aborted && !ctx.cancellationSignal.aborted) {
          throw new TransientGenerationFailure(`the ${backend.name} backend did not answer within ${generationTimeoutMs} ms`);
        }
        if (err instanceof PermanentGenerationFailure) {
          throw ApplicationFailure.create({ type: PERMANENT_GENERATION_ERROR, message: err.message, nonRetryable: true });
        }
        throw err;
      } finally {
        clearInterval(heartbeat);
      }
    },

    /** Debits the team ledger; the entry id makes a retried call a no-op. */
    async debitTeam(teamId: string, entry: LedgerEntry): Promise<DebitResult> {
      return client.workflow.getHandle(teamId).executeUpdate(debitCredits, { args: [entry], updateId: entry.entryId });
    },

    async refundTeam(teamId: string, entry: RefundEntry): Promise<RefundResult> {
      return client.workflow.getHandle(teamId).executeUpdate(refundCredits, { args: [entry], updateId: entry.entryId });
    },

    async purgeImages(keys: string[]): Promise<void> {
      await blobs.delete(keys);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

function extensionOf(contentType: string): string {
  return { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp' }[contentType] ?? '.bin';
}
