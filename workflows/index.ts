import { apiKeyWorkflow } from './api-key.js';
import { characterWorkflow } from './character.js';
import { idempotencyWorkflow } from './idempotency-key.js';
import { imageWorkflow } from './image.js';
import { teamWorkflow } from './team.js';
import { uploadWorkflow } from './upload.js';
import { declareVersioning } from './versioning.js';

export { apiKeyWorkflow, characterWorkflow, idempotencyWorkflow, imageWorkflow, teamWorkflow, uploadWorkflow };

declareVersioning({ apiKeyWorkflow, characterWorkflow, idempotencyWorkflow, imageWorkflow, teamWorkflow, uploadWorkflow });
