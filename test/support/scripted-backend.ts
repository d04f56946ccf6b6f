/**
 * The built-in renderer with failures scripted through the character's `additional_details`, so
 * an HTTP test can ask for them: `fail:side` fails that pose for good, `flaky:front` fails its
 * first attempt transiently, `slow:3000` makes every pose take that long (cancellable). Image
 * generations read the same words from their prompt: `fail:image`, `flaky:image`, `slow:3000`,
 * and per output (by its seed): `fail:seed-7` fails it for good, `hold:seed-7` holds it until cancelled.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { GeneratedImage, GenerationRequest, ImageGenerationRequest, InferenceBackend } from '../../activities/inference/backend.js';
import { PermanentGenerationFailure, TransientGenerationFailure } from '../../activities/inference/backend.js';
import { renderPose } from '../../activities/inference/renderer.js';
import { renderScene } from '../../activities/inference/scene.js';
import { classifyPose } from '../../activities/inference/pose-classifier.js';
import type { PoseGuess } from '../../domain/uploads.js';

export class ScriptedBackend implements InferenceBackend {
  readonly name = 'scripted';
  readonly requests: GenerationRequest[] = [];
  readonly imageRequests: ImageGenerationRequest[] = [];
  private readonly attempts = new Map<string, number>();

  async generate(request: GenerationRequest): Promise<GeneratedImage> {
    this.requests.push(request);
    const script = request.attributes?.additional_details ?? '';
    const slow = /slow:(\d+)/.exec(script);
    await sleep(slow ? Number(slow[1]) : 10, undefined, { signal: request.signal });
    if (script.includes(`fail:${request.pose}`)) throw new PermanentGenerationFailure(`the model refused the ${request.pose} pose`);
    const attemptKey = `${request.seed}/${request.pose}/${script}`;
    const attempt = (this.attempts.get(attemptKey) ?? 0) + 1;
    this.attempts.set(attemptKey, attempt);
    if (script.includes(`flaky:${request.pose}`) && attempt === 1) throw new TransientGenerationFailure('the model timed out');
    return { bytes: renderPose(request.attributes, request.pose, request.seed, 96), contentType: 'image/png' };
  }

  async generateImage(request: ImageGenerationRequest): Promise<GeneratedImage> {
    this.imageRequests.push(request);
    const slow = /slow:(\d+)/.exec(request.prompt);
    const held = new RegExp(`hold:seed-${request.seed}\\b`).test(request.prompt);
    await sleep(held ? 10 * 60_000 : slow ? Number(slow[1]) : 10, undefined, { signal: request.signal });
    if (request.prompt.includes('fail:image')) throw new PermanentGenerationFailure('the model refused the prompt');
    if (new RegExp(`fail:seed-${request.seed}\\b`).test(request.prompt)) throw new PermanentGenerationFailure(`the model refused output seed ${request.seed}`);
    const attemptKey = `image/${request.seed}/${request.prompt}`;
    const attempt = (this.attempts.get(attemptKey) ?? 0) + 1;
    this.attempts.set(attemptKey, attempt);
    if (request.prompt.includes('flaky:image') && attempt === 1) throw new TransientGenerationFailure('the model timed out');
    return { bytes: await renderScene(request), contentType: 'image/png' };
  }

  classifyPose(image: { bytes: Buffer }): Promise<PoseGuess> {
    return classifyPose(image.bytes);
  }
}
