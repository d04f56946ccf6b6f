/**
 * The side effects of characters and image generations: model calls into the blob store, moving
 * credits on the team ledger, copying and purging images, delivering webhooks (webhooks/). Built from their dependencies so tests can swap the backend.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Semaphore } from 'async-mutex';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Attributes, ImageRecord, Pose } from '../domain/character.js';
import { describeCharacter } from '../domain/character.js';
import { PERMANENT_GENERATION_ERROR } from '../domain/errors.js';
import type { PinnedRef } from '../domain/images.js';
import type { DebitResult, LedgerEntry, RefundEntry, RefundResult } from '../domain/messages.js';
import { consumeUpload, debitCredits, refundCredits, releaseUpload } from '../domain/messages.js';
import type { PoseGuess, UploadTicket } from '../domain/uploads.js';
import type { BlobStore } from './blobs/store.js';
import type { GeneratedImage, ImageGenerationRequest, InferenceBackend } from './inference/backend.js';
import { PermanentGenerationFailure, TransientGenerationFailure } from './inference/backend.js';
import { type WebhookDeps, createWebhookActivities } from './webhooks/index.js';

export interface ActivityDeps {
  client: Client;
  blobs: BlobStore;
  backend: InferenceBackend;
  /** Observes each generation's outcome (metrics, tests). */
  onGeneration?: (outcome: { backend: string; pose?: Pose; ok: boolean }) => void;
  /** Deadline of one generation attempt: a backend that hangs fails transiently and is retried. */
  generationTimeoutMs?: number;
  webhooks: Omit<WebhookDeps, 'client'>;
}

export interface GeneratePoseInput {
  teamId: string;
  characterId: string;
  pose: Pose;
  seed: number;
  attributes: Attributes | null;
  promptOverride?: string;
}

/** One output of an image generation: the spec's model parameters, the output's own seed, the pinned refs. */
export interface GenerateImageInput {
  teamId: string;
  imageId: string;
  index: number;
  request: Omit<ImageGenerationRequest, 'refs' | 'signal'>;
  refs: PinnedRef[];
}

/** One upload ticket used by one character. */
export interface UploadUse {
  uploadId: string;
  teamId: string;
  characterId: string;
}

const HEARTBEAT_EVERY_MS = 2000;

/**
 * Ledger Updates one worker process keeps in flight per team. Temporal admits a bounded number of
 * in-flight Updates per workflow (`history.maxInFlightUpdates`, 10 by default), and on Server 1.29
 * the call that overflows it clears the workflow's update registry, aborting every admitted Update:
 * a busy team's parallel creates then retry into each other without end (seen at 32 parallel
 * creates). Queueing here keeps a team's ledger under the limit; the servers this project starts
 * also raise the limit (platform/dev-server.ts), for deployments with many workers.
 */
export const LEDGER_CALLS_PER_TEAM = 4;

/** One semaphore per team with calls in flight; dropped when the team's last call finishes. */
function perTeamGate(permits: number) {
  const gates = new Map<string, { semaphore: Semaphore; users: number }>();
  return async <T>(teamId: string, work: () => Promise<T>): Promise<T> => {
    let gate = gates.get(teamId);
    if (!gate) gates.set(teamId, (gate = { semaphore: new Semaphore(permits), users: 0 }));
    gate.users++;
    try {
      return await gate.semaphore.runExclusive(work);
    } finally {
      if (--gate.users === 0) gates.delete(teamId);
    }
  };
}

/** `aurous_generations{backend, outcome}`, exported with the Temporal SDK's own worker metrics. */
function countGeneration(ctx: Context, backend: string, outcome: string): void {
  ctx.metricMeter.createCounter('aurous_generations', 'generations', 'Pose generation attempts by backend and outcome').add(1, { backend, outcome });
}

/** What one model call produced, stored: the small record history keeps. */
async function store(blobs: BlobStore, key: string, image: GeneratedImage): Promise<ImageRecord> {
  await blobs.put(key, image.bytes, image.contentType);
  return { key, contentType: image.contentType, size: image.bytes.length, sha256: createHash('sha256').update(image.bytes).digest('hex') };
}

async function readBlob(blobs: BlobStore, key: string): Promise<{ bytes: Buffer; contentType: string }> {
  const blob = await blobs.get(key);
  if (!blob) throw ApplicationFailure.create({ type: PERMANENT_GENERATION_ERROR, message: `the image ${key} no longer exists`, nonRetryable: true });
  const chunks: Buffer[] = [];
  for await (const chunk of blob.body) chunks.push(chunk as Buffer);
  return { bytes: Buffer.concat(chunks), contentType: blob.contentType };
}

export function createActivities({ client, blobs, backend, onGeneration, generationTimeoutMs = 300_000, webhooks }: ActivityDeps) {
  const ledgerGate = perTeamGate(LEDGER_CALLS_PER_TEAM);

  /**
   * An Update on an upload ticket for a character, its id derived from both so a retry is
   * deduplicated. The ticket's refusal (or its absence) comes back as the non-retryable
   * `upload_invalid` the character's create answers with.
   */
  async function onUpload(input: UploadUse, update: typeof consumeUpload, verb: string): Promise<UploadTicket> {
    try {
      return await client.workflow
        .getHandle(input.uploadId)
        .executeUpdate(update, { args: [{ teamId: input.teamId, characterId: input.characterId }], updateId: `${input.characterId}/${verb}` });
    } catch (err) {
      const refusal = err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure ? err.cause.message : null;
      const missing = err instanceof WorkflowNotFoundError || (err instanceof Error && /workflow execution already completed/i.test(err.message));
      if (refusal || missing) throw ApplicationFailure.create({ type: 'upload_invalid', message: refusal ?? `No such upload, or it has expired: ${input.uploadId}.`, nonRetryable: true });
      throw err;
    }
  }

  /**
   * One model call as an activity: heartbeats while it waits, a deadline per attempt (a hung
   * backend fails transiently and is retried), permanent failures made non-retryable, metrics.
   */
  async function modelCall(what: { pose?: Pose }, call: (signal: AbortSignal) => Promise<GeneratedImage>, keyOf: (image: GeneratedImage) => string): Promise<ImageRecord> {
    const ctx = Context.current();
    const heartbeat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
    const deadline = AbortSignal.timeout(generationTimeoutMs);
    try {
      const image = await call(AbortSignal.any([ctx.cancellationSignal, deadline]));
      ctx.cancellationSignal.throwIfAborted();
      const record = await store(blobs, keyOf(image), image);
      countGeneration(ctx, backend.name, 'delivered');
      onGeneration?.({ backend: backend.name, ...what, ok: true });
      return record;
    } catch (err) {
      countGeneration(ctx, backend.name, ctx.cancellationSignal.aborted ? 'cancelled' : err instanceof PermanentGenerationFailure ? 'failed_permanently' : 'failed_transiently');
      onGeneration?.({ backend: backend.name, ...what, ok: false });
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
  }

  return {
    ...createWebhookActivities({ client, ...webhooks }),

    /** Generates one pose and stores it; only the small record goes back into history. */
    async generatePose(input: GeneratePoseInput): Promise<ImageRecord> {
      return modelCall(
        { pose: input.pose },
        (signal) =>
          backend.generate({
            pose: input.pose,
            seed: input.seed,
            attributes: input.attributes,
            prompt: describeCharacter(input.attributes, input.pose, input.promptOverride),
            signal,
          }),
        (image) => `${input.teamId}/${input.characterId}/${input.pose}-${input.seed}${extensionOf(image.contentType)}`,
      );
    },

    /** Renders one output of an image generation from its pinned refs, and stores it. */
    async generateImage(input: GenerateImageInput): Promise<ImageRecord> {
      const refs = await Promise.all(input.refs.map(async (ref) => ({ pose: ref.pose, ...(await readBlob(blobs, ref.key)) })));
      return modelCall(
        {},
        (signal) => backend.generateImage({ ...input.request, refs, signal }),
        (image) => `${input.teamId}/${input.imageId}/output-${input.index}-${input.request.seed}${extensionOf(image.contentType)}`,
      );
    },

    /** Copies images (a generation's pinned refs), so a later purge of the originals cannot reach them. */
    async copyImages(pairs: { from: string; to: string }[]): Promise<void> {
      await Promise.all(pairs.map(async ({ from, to }) => {
        const { bytes, contentType } = await readBlob(blobs, from);
        await blobs.put(to, bytes, contentType);
      }));
    },

    /** Debits the team ledger; the entry id makes a retried call a no-op. */
    async debitTeam(teamId: string, entry: LedgerEntry): Promise<DebitResult> {
      return ledgerGate(teamId, () => client.workflow.getHandle(teamId).executeUpdate(debitCredits, { args: [entry], updateId: entry.entryId }));
    },

    async refundTeam(teamId: string, entry: RefundEntry): Promise<RefundResult> {
      return ledgerGate(teamId, () => client.workflow.getHandle(teamId).executeUpdate(refundCredits, { args: [entry], updateId: entry.entryId }));
    },

    /** Asks the backend which pose an upload shows. */
    async classifyImage(input: { key: string; contentType: string }): Promise<PoseGuess> {
      const { bytes, contentType } = await readBlob(blobs, input.key);
      return backend.classifyPose({ bytes, contentType }, Context.current().cancellationSignal);
    },

    /** Consumes an upload for a character (the same character again gets the same answer). */
    async consumeUpload(input: UploadUse): Promise<UploadTicket> {
      return onUpload(input, consumeUpload, 'consume');
    },

    /** Gives an upload back: the character it was consumed for was not created. */
    async releaseUpload(input: UploadUse): Promise<UploadTicket> {
      return onUpload(input, releaseUpload, 'release');
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
