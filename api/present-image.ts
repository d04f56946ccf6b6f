/** The image resource as the contract shows it: snake_case, signed output URLs, cost net of refunds. */
import type { ImageGeneration, ImageStatus } from '../domain/images.js';
import { isTerminal } from '../domain/images.js';
import type { FileLinks } from './file-links.js';

export async function presentImage(image: ImageGeneration, links: FileLinks, baseUrl: string) {
  const finishedAt = image.completedAt ? Date.parse(image.completedAt) : null;
  return {
    id: image.id,
    object: 'inference' as const,
    media_type: 'image' as const,
    status: image.status as ImageStatus,
    inference_type: image.characterId ? ('i2i' as const) : ('t2i' as const),
    prompt: image.prompt,
    negative_prompt: image.negativePrompt,
    character_id: image.characterId,
    size_preset: image.sizePreset,
    width: image.width,
    height: image.height,
    image_count: image.count,
    seed: image.seed,
    denoise_strength: image.denoiseStrength,
    steps: image.steps,
    guidance_scale: image.guidanceScale,
    // Once it is over: every delivered output, in output order (all of them when it succeeded).
    output_urls: isTerminal(image.status) ? await Promise.all(image.outputs.flatMap((o) => (o ? [links.link(o.key, baseUrl)] : []))) : [],
    cost: { amount: image.charged - image.refunded, currency: 'credit' as const },
    error_message: image.errorMessage,
    duration_ms: finishedAt === null ? null : Math.max(0, finishedAt - Date.parse(image.startedAt ?? image.createdAt)),
    created_at: image.createdAt,
    completed_at: image.completedAt,
    client_reference_id: image.clientReferenceId,
    aurous_version: image.aurousVersion,
  };
}
