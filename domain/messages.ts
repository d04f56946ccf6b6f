/**
 * The messages each workflow accepts. Defined once; the workflows wire handlers to them and the API
 * sends them. Updates, not signals: every HTTP call needs a synchronous answer (the new resource, or
 * a 4xx for a wrong state), and an Update gives exactly that, atomically.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Attributes, Character, Pose } from './character.js';
import type { ImageGeneration, PinnedRef } from './images.js';
import type { PoseGuess, UploadTicket, UploadedImage } from './uploads.js';
import type { DeliveryAttempt, WebhookEndpoint, WebhookEventType } from './webhooks.js';

/** Every message names the team that sends it: another team's call is refused as not found. */
export interface Caller {
  teamId: string;
  requestId: string;
}

export interface RegenerateRefInput extends Caller {
  pose: Pose;
  promptOverride?: string;
}
export interface UpdateInput extends Caller {
  name?: string;
  /** `undefined` keeps the attributes; `null` clears them; an object replaces them whole. */
  attributes?: Attributes | null;
}
export interface DeleteResult {
  id: string;
  deleted: true;
}

export const createCharacter = defineUpdate<Character, [Caller]>('create');
export const regenerateRef = defineUpdate<Character, [RegenerateRefInput]>('regenerateRef');
export const resynthesize = defineUpdate<Character, [Caller]>('resynthesize');
export const save = defineUpdate<Character, [Caller]>('save');
export const update = defineUpdate<Character, [UpdateInput]>('update');
export const deleteCharacter = defineUpdate<DeleteResult, [Caller]>('delete');
export const getCharacter = defineQuery<Character>('character');
export interface UseInImageInput extends Caller {
  imageId: string;
}
export interface CreateFromUploadsInput extends Caller {
  uploadIds: string[];
}
/** Creates a character from uploads: consumes the tickets, in order, or none of them. */
export const createFromUploads = defineUpdate<Character, [CreateFromUploadsInput]>('createFromUploads');
/** Pins the refs of a ready character for one image generation, and records that it used them. */
export const useInImage = defineUpdate<PinnedRef[], [UseInImageInput]>('useInImage');
/** For audits: the poses this character delivered, which its team must have paid for exactly. */
export const getAccounting = defineQuery<{ teamId: string; delivered: number }>('accounting');

// An image generation: see workflows/image.ts.
export const submitImage = defineUpdate<ImageGeneration, [Caller]>('submit');
export const cancelImage = defineUpdate<ImageGeneration, [Caller]>('cancel');
export const getImage = defineQuery<ImageGeneration>('image');

// An upload ticket: see workflows/upload.ts.
export const recordUpload = defineUpdate<UploadTicket, [Caller & { image: UploadedImage }]>('record');
export const classifyUpload = defineUpdate<PoseGuess, [Caller]>('classify');
/** Consumes an uploaded ticket for a character; the same character consuming again gets the same answer. */
export const consumeUpload = defineUpdate<UploadTicket, [{ teamId: string; characterId: string }]>('consume');
/** Gives a ticket back when the character it was consumed for was not created after all. */
export const releaseUpload = defineUpdate<UploadTicket, [{ teamId: string; characterId: string }]>('release');
export const getUpload = defineQuery<UploadTicket>('upload');

// The team: its credit ledger and API version pin.
export interface LedgerEntry {
  /** Idempotency of the ledger: an entry id is applied at most once. */
  entryId: string;
  amount: number;
  characterId?: string;
  reason: string;
}
export interface RefundEntry extends LedgerEntry {
  /** The debit this returns credits of; a refund never returns more than that debit took. */
  debitId: string;
}
export interface DebitResult {
  applied: boolean;
  /** Credits taken (0 when refused). */
  amount: number;
  /** The balance after. */
  credits: number;
}
export interface RefundResult {
  refunded: number;
  credits: number;
}
export interface Team {
  teamId: string;
  name: string;
  version: string | null;
  credits: number;
  createdAt: string;
  /** usage.balance_low below this; the default is DEFAULT_BALANCE_LOW_THRESHOLD. */
  balanceLowThreshold?: number;
}

export const debitCredits = defineUpdate<DebitResult, [LedgerEntry]>('debit');
export const refundCredits = defineUpdate<RefundResult, [RefundEntry]>('refund');
export const grantCredits = defineUpdate<number, [LedgerEntry]>('grant');
export const getTeam = defineQuery<Team>('team');

// An API key: only its hash names the workflow.
export interface ApiKeyRecord {
  teamId: string;
  revoked: boolean;
  createdAt: string;
}
export const revokeApiKey = defineUpdate<ApiKeyRecord, []>('revoke');
export const getApiKey = defineQuery<ApiKeyRecord>('apiKey');

// An Idempotency-Key of a team: see workflows/idempotency.ts.
export interface IdempotencyClaim {
  /** SHA-256 of the route and the canonical JSON body. */
  fingerprint: string;
  requestId: string;
  /** The operation id this request would use if it is the first (a fresh character id for a create). */
  proposedOperationId: string;
}
export interface StoredResponse {
  status: number;
  body: string;
}
export type ClaimResult =
  | { kind: 'proceed'; generation: number; operationId: string }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'conflict' };

export const claimIdempotencyKey = defineUpdate<ClaimResult, [IdempotencyClaim]>('claim');
export const completeIdempotentRequest = defineUpdate<StoredResponse, [{ generation: number; response: StoredResponse }]>('complete');
export const releaseIdempotencyKey = defineUpdate<void, [{ generation: number }]>('release');

// A webhook endpoint: see workflows/webhook-endpoint.ts. The API names the caller's team in each.
export interface ConfigureEndpointInput extends Caller {
  url?: string;
  events?: string[];
  description?: string | null;
  status?: 'enabled' | 'disabled';
}
export interface SendTestEventInput extends Caller {
  eventType: WebhookEventType;
}
export const createWebhookEndpoint = defineUpdate<WebhookEndpoint, [Caller]>('createEndpoint');
export const configureWebhookEndpoint = defineUpdate<WebhookEndpoint, [ConfigureEndpointInput]>('configureEndpoint');
export const deleteWebhookEndpoint = defineUpdate<WebhookEndpoint, [Caller]>('deleteEndpoint');
export const rotateWebhookSecret = defineUpdate<WebhookEndpoint, [Caller]>('rotateSecret');
/** Answers with the id of the synthetic event it recorded. */
export const sendTestWebhook = defineUpdate<string, [SendTestEventInput]>('sendTestEvent');
/** A delivery workflow reports each attempt: the deliveries log and the auto-disable rule read them. */
export const recordDeliveryAttempt = defineSignal<[DeliveryAttempt]>('recordDeliveryAttempt');
export const getWebhookEndpoint = defineQuery<WebhookEndpoint>('webhookEndpoint');
