export { characterWorkflow } from './character.js';
export { teamWorkflow } from './team.js';
export { apiKeyWorkflow } from './api-key.js';
export { idempotencyWorkflow } from './idempotency-key.js';
export { imageWorkflow } from './image.js';
export { webhookEndpointWorkflow } from './webhook-endpoint.js';
export { webhookEventWorkflow } from './webhook-event.js';
export { webhookDeliveryWorkflow } from './webhook-delivery.js';
