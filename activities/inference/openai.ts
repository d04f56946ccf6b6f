/**
 * An adapter for any OpenAI-compatible images API, base64 output: `POST {base}/v1/images/generations`
 * (JSON) for poses and text-to-image, `POST {base}/v1/images/edits` (multipart, the refs as `image[]`)
 * for image generations with a character, and `POST {base}/v1/chat/completions` with a vision model
 * to tell an upload's pose. Its failures are classified: what a retry may fix is transient, the
 * rest permanent.
 */
import type { GeneratedImage, GenerationRequest, ImageGenerationRequest, ImageRef, InferenceBackend } from './backend.js';
import { PermanentGenerationFailure, TransientGenerationFailure } from './backend.js';
import { POSES } from '../../domain/character.js';
import type { PoseGuess } from '../../domain/uploads.js';

export interface OpenAiImagesOptions {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** The size asked for poses; image generations carry their own. */
  size: string;
  /** A vision-capable chat model, asked which pose an upload shows. */
  visionModel: string;
  timeoutMs: number;
}

const TRANSIENT_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

export class OpenAiImagesBackend implements InferenceBackend {
  readonly name = 'openai';

  constructor(private readonly options: OpenAiImagesOptions) {}

  generate(request: GenerationRequest): Promise<GeneratedImage> {
    return this.post('generations', this.json({ prompt: request.prompt, size: this.options.size, seed: request.seed }), request.signal);
  }

  generateImage(request: ImageGenerationRequest): Promise<GeneratedImage> {
    const prompt = promptWithNegative(request.prompt, request.negativePrompt);
    const size = `${request.width}x${request.height}`;
    if (request.refs.length === 0) return this.post('generations', this.json({ prompt, size, seed: request.seed }), request.signal);
    const form = new FormData();
    form.set('model', this.options.model);
    form.set('prompt', prompt);
    form.set('n', '1');
    form.set('size', size);
    form.set('response_format', 'b64_json');
    form.set('seed', String(request.seed));
    request.refs.forEach((ref, i) => form.append('image[]', new Blob([new Uint8Array(ref.bytes)], { type: ref.contentType }), fileNameOf(ref, i)));
    return this.post('edits', form, request.signal);
  }

  private json(fields: { prompt: string; size: string; seed: number }): string {
    return JSON.stringify({ model: this.options.model, prompt: fields.prompt, n: 1, size: fields.size, response_format: 'b64_json', seed: fields.seed });
  }

  async classifyPose(image: { bytes: Buffer; contentType: string }, signal: AbortSignal): Promise<PoseGuess> {
    const body = {
      model: this.options.visionModel,
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: CLASSIFY_INSTRUCTIONS },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Which pose is this character reference image?' },
            { type: 'image_url', image_url: { url: `data:${image.contentType};base64,${image.bytes.toString('base64')}` } },
          ],
        },
      ],
    };
    return poseGuessOf(await this.call('/v1/chat/completions', JSON.stringify(body), signal));
  }

  private async post(endpoint: 'generations' | 'edits', body: string | FormData, signal: AbortSignal): Promise<GeneratedImage> {
    const b64 = imageOf(await this.call(`/v1/images/${endpoint}`, body, signal));
    if (!b64) throw new TransientGenerationFailure('images API answered 200 without data[0].b64_json');
    const bytes = Buffer.from(b64, 'base64');
    return { bytes, contentType: sniffContentType(bytes) };
  }

  /** One call to the API, its failure classified; a JSON string goes as JSON, a form as multipart. */
  private async call(path: string, body: string | FormData, signal: AbortSignal): Promise<string> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
    // fetch writes the multipart content type itself: it has to carry the boundary it chose.
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.apiKey}` };
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
    } catch (err) {
      if (signal.aborted) throw err;
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs} ms` : String(err);
      throw new TransientGenerationFailure(`images API unreachable: ${reason}`);
    }
    const text = await response.text();
    if (!response.ok) {
      const detail = apiErrorMessage(text) ?? `HTTP ${response.status}`;
      const message = `images API answered ${response.status}: ${detail}`;
      throw TRANSIENT_STATUSES.has(response.status) ? new TransientGenerationFailure(message) : new PermanentGenerationFailure(message);
    }
    return text;
  }
}

const CLASSIFY_INSTRUCTIONS = `You classify character reference images by pose. Answer only JSON: {"pose": one of ${POSES.map((p) => `"${p}"`).join(', ')}, "confidence": a number from 0 to 1}. portrait: head and shoulders; front: full body facing the camera; side: full body in profile; back: full body seen from behind; other: anything else.`;

/** The model's answer as a pose guess; anything unusable is `other` with no confidence. */
function poseGuessOf(text: string): PoseGuess {
  try {
    const content = (JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    const answer = JSON.parse(String(content)) as { pose?: unknown; confidence?: unknown };
    const pose = POSES.find((p) => p === answer.pose);
    const confidence = typeof answer.confidence === 'number' ? Math.min(1, Math.max(0, answer.confidence)) : 0.5;
    return pose ? { pose, confidence } : { pose: 'other', confidence: 0 };
  } catch {
    return { pose: 'other', confidence: 0 };
  }
}

/** OpenAI's images API has no negative prompt, so it goes into the prompt as plain words. */
export function promptWithNegative(prompt: string, negativePrompt: string | null): string {
  const negative = negativePrompt?.trim();
  return negative ? `${prompt}\n\nAvoid: ${negative}` : prompt;
}

function fileNameOf(ref: ImageRef, index: number): string {
  const ext = ref.contentType === 'image/jpeg' ? 'jpg' : ref.contentType === 'image/webp' ? 'webp' : 'png';
  return `${index}-${ref.pose}.${ext}`;
}

function apiErrorMessage(text: string): string | null {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof body.error?.message === 'string' ? body.error.message.slice(0, 300) : null;
  } catch {
    return null;
  }
}

function imageOf(text: string): string | null {
  try {
    const body = JSON.parse(text) as { data?: { b64_json?: unknown }[] };
    const b64 = body.data?.[0]?.b64_json;
    return typeof b64 === 'string' && b64.length > 0 ? b64 : null;
  } catch {
    return null;
  }
}

function sniffContentType(bytes: Buffer): string {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString() === 'RIFF' && bytes.subarray(8, 12).toString() === 'WEBP') return 'image/webp';
  return 'application/octet-stream';
}
