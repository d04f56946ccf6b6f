import { apiKeyWorkflow } from './api-key.js';
import { characterWorkflow } from './character.js';
import { idempotencyWorkflow } from './idempotency-key.js';
import { imageWorkflow } from './image.js';
import { teamWorkflow } from './team.js';
import { uploadWorkflow } from './upload.js';
import { declareVersioning } from './versioning.js';
import { webhookDeliveryWorkflow } from './webhook-delivery.js';
import { webhookEndpointWorkflow } from './webhook-endpoint.js';
import { webhookEventWorkflow } from './webhook-event.js';

export { apiKeyWorkflow, characterWorkflow, idempotencyWorkflow, imageWorkflow, teamWorkflow, uploadWorkflow, webhookDeliveryWorkflow, webhookEndpointWorkflow, webhookEventWorkflow };

declareVersioning({ apiKeyWorkflow, characterWorkflow, idempotencyWorkflow, imageWorkflow, teamWorkflow, uploadWorkflow, webhookDeliveryWorkflow, webhookEndpointWorkflow, webhookEventWorkflow });
