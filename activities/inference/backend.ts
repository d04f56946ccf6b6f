import type { Attributes, Pose } from '../../domain/character.js';

export interface GenerationRequest {
  pose: Pose;
  seed: number;
  attributes: Attributes | null;
  prompt: string;
  signal: AbortSignal;
}

export interface GeneratedImage {
  bytes: Buffer;
  contentType: string;
}

/** An image model. Throws `PermanentGenerationFailure` for what a retry cannot fix; anything else is retried. */
export interface InferenceBackend {
  readonly name: string;
  generate(request: GenerationRequest): Promise<GeneratedImage>;
}

/** A failure a retry cannot fix: a refused prompt, a bad request, a wrong API key. */
export class PermanentGenerationFailure extends Error {
  override readonly name = 'PermanentGenerationFailure';
}

/** A failure worth retrying: a timeout, a 429, a 5xx, a dropped connection. */
export class TransientGenerationFailure extends Error {
  override readonly name = 'TransientGenerationFailure';
}
