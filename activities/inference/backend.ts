import type { Attributes, Pose } from '../../domain/character.js';
import type { PoseGuess } from '../../domain/uploads.js';

export interface GenerationRequest {
  pose: Pose;
  seed: number;
  attributes: Attributes | null;
  prompt: string;
  signal: AbortSignal;
}

/** One of a character's reference images, as pinned when a generation was accepted. */
export interface ImageRef {
  pose: Pose;
  bytes: Buffer;
  contentType: string;
}

/** An image generation: text-to-image without refs, image-to-image anchored on a character's refs. */
export interface ImageGenerationRequest {
  prompt: string;
  negativePrompt: string | null;
  /** 1024..4096, multiples of 32. */
  width: number;
  height: number;
  /** 0..4294967295. */
  seed: number;
  steps: number;
  guidanceScale: number;
  denoiseStrength: number;
  /** The character's pinned refs; [] for text-to-image. */
  refs: ImageRef[];
  signal: AbortSignal;
}

export interface GeneratedImage {
  bytes: Buffer;
  contentType: string;
}

/** An image model. Throws `PermanentGenerationFailure` for what a retry cannot fix; anything else is retried. */
export interface InferenceBackend {
  readonly name: string;
  /** One reference image of a character in one pose. */
  generate(request: GenerationRequest): Promise<GeneratedImage>;
  /** One output of an image generation. */
  generateImage(request: ImageGenerationRequest): Promise<GeneratedImage>;
  /** Which pose an uploaded image shows; `other` with low confidence when unsure. */
  classifyPose(image: { bytes: Buffer; contentType: string }, signal: AbortSignal): Promise<PoseGuess>;
}

/** A failure a retry cannot fix: a refused prompt, a bad request, a wrong API key. */
export class PermanentGenerationFailure extends Error {
  override readonly name = 'PermanentGenerationFailure';
}

/** A failure worth retrying: a timeout, a 429, a 5xx, a dropped connection. */
export class TransientGenerationFailure extends Error {
  override readonly name = 'TransientGenerationFailure';
}
