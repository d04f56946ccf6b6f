/**
 * What a test delivery (`POST /v1/webhook_endpoints/{id}/test`) carries: an example resource of
 * the event's kind, in the same shape a real event has, with ids that name no real resource.
 */
import type { Character } from './character.js';
import { ID_PREFIX } from './ids.js';
import { IMAGE_DEFAULTS, type ImageGeneration } from './images.js';
import type { EventSubject, WebhookEndpoint, WebhookEventType } from './webhooks.js';

const SAMPLE_ULID = '00000000000000000000000000';

function sampleCharacter(endpoint: WebhookEndpoint, type: WebhookEventType, at: string): Character {
  const status = type === 'character.failed' ? 'failed' : type === 'character.deleted' ? 'deleted' : 'reviewing';
  return {
    id: `${ID_PREFIX.character}${SAMPLE_ULID}`,
    teamId: endpoint.teamId,
    name: 'Example character',
    status,
    refs: [],
    createdAt: at,
    updatedAt: at,
    clientReferenceId: null,
    attributes: null,
    errorMessage: status === 'failed' ? 'Example failure.' : null,
    aurousVersion: endpoint.aurousVersion,
  };
}

function sampleImage(endpoint: WebhookEndpoint, type: WebhookEventType, at: string): ImageGeneration {
  const status = type === 'image.failed' ? 'failed' : type === 'image.cancelled' ? 'cancelled' : 'succeeded';
  return {
    id: `${ID_PREFIX.image}${SAMPLE_ULID}`,
    teamId: endpoint.teamId,
    prompt: 'An example prompt',
    negativePrompt: null,
    characterId: null,
    sizePreset: '2k_1_1',
    width: 2048,
    height: 2048,
    count: 1,
    seed: 0,
    ...{ denoiseStrength: IMAGE_DEFAULTS.denoiseStrength, steps: IMAGE_DEFAULTS.steps, guidanceScale: IMAGE_DEFAULTS.guidanceScale },
    webhookUrl: null,
    clientReferenceId: null,
    refs: [],
    aurousVersion: endpoint.aurousVersion,
    createdAt: at,
    status,
    outputs: [null],
    charged: 0,
    refunded: 0,
    errorMessage: status === 'failed' ? 'Example failure.' : null,
    startedAt: at,
    completedAt: at,
  };
}

export function sampleSubject(type: WebhookEventType, endpoint: WebhookEndpoint, at: string): EventSubject {
  if (type.startsWith('character.')) return { kind: 'character', character: sampleCharacter(endpoint, type, at) };
  if (type.startsWith('image.')) return { kind: 'image', image: sampleImage(endpoint, type, at) };
  if (type === 'usage.balance_low') return { kind: 'balance', credits: 0 };
  return { kind: 'webhook_endpoint', endpoint };
}
