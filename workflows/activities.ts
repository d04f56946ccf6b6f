/** The activities workflows call, with the timeouts and retries each kind of call deserves. */
import type { ActivityOptions } from '@temporalio/common';
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities, GenerateImageInput, GeneratePoseInput } from '../activities/index.js';
import type { ImageRecord } from '../domain/character.js';
import { PERMANENT_GENERATION_ERROR } from '../domain/errors.js';

/** Every model call: a generous attempt, a heartbeat, retries with backoff, none for permanent failures. */
const MODEL_CALL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  // The activity heartbeats every 2 s while it waits on the backend: a dead worker is noticed in 10 s.
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [PERMANENT_GENERATION_ERROR],
  },
};

/** One pose's generation, summarized in the Temporal UI in the domain's words. */
export function generatePose(input: GeneratePoseInput): Promise<ImageRecord> {
  return proxyActivities<Activities>({ ...MODEL_CALL_OPTIONS, summary: `Generate the ${input.pose} pose (seed ${input.seed})` }).generatePose(input);
}

/** Which pose an upload shows: a model call like any other. */
export const { classifyImage } = proxyActivities<Activities>({ ...MODEL_CALL_OPTIONS, summary: 'Classify the pose of an upload' });

/** One output of an image generation. */
export function generateImage(input: GenerateImageInput): Promise<ImageRecord> {
  return proxyActivities<Activities>({ ...MODEL_CALL_OPTIONS, summary: `Render output ${input.index + 1} (seed ${input.request.seed})` }).generateImage(input);
}

const SHORT_CALL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
};

// Ledger and blob calls are short and idempotent: local activities keep them off the task queue.
export const { debitTeam, refundTeam, purgeImages, copyImages, consumeUpload, releaseUpload } = proxyLocalActivities<Activities>(SHORT_CALL_OPTIONS);

/**
 * The refund of what a generation did not deliver, as a regular activity: it runs only once the
 * workflow task that decided it is recorded. A local activity pays out during the task, so a worker
 * killed before the task completes leaves a refund behind that the retried task, deciding afresh
 * (the outputs may have arrived meanwhile), never makes.
 */
export const { refundTeam: refundRecorded } = proxyActivities<Activities>({ ...SHORT_CALL_OPTIONS, summary: 'Refund what was not delivered' });

/**
 * Webhooks: presenting an event is quick; a delivery attempt has its own 10 s deadline inside, so
 * this timeout only notices a lost worker. Failed attempts come back as outcomes: the delivery
 * workflow's schedule, not Temporal's retry, decides when to try again.
 */
const WEBHOOK_CALL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};
export const { planWebhookEvent, deliverWebhook } = proxyActivities<Activities>(WEBHOOK_CALL_OPTIONS);

/**
 * Planning an event only reads (the endpoints' list, the event's presentation), so it may run again
 * after a lost task: as a local activity it runs inside the event's first workflow task, which then
 * completes the event at once, without an activity task and a second workflow task per event.
 */
export const { planWebhookEvent: planWebhookEventLocally } = proxyLocalActivities<Activities>(WEBHOOK_CALL_OPTIONS);
