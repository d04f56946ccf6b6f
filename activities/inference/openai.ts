/**
 * An adapter for any OpenAI-compatible images API (`POST {base}/v1/images/generations`, base64
 * output). Its failures are classified: what a retry may fix is transient, the rest permanent.
 */
import type { GeneratedImage, GenerationRequest, InferenceBackend } from './backend.js';
import { PermanentGenerationFailure, TransientGenerationFailure } from './backend.js';

export interface OpenAiImagesOptions {
  baseUrl: string;
  apiKey: string;
  model: string;
  size: string;
  timeoutMs: number;
}

const TRANSIENT_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

export class OpenAiImagesBackend implements InferenceBackend {
  readonly name = 'openai';

  constructor(private readonly options: OpenAiImagesOptions) {}

  async generate(request: GenerationRequest): Promise<GeneratedImage> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/v1/images/generations`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
        body: JSON.stringify({
          model: this.options.model,
          prompt: request.prompt,
          n: 1,
          size: this.options.size,
          response_format: 'b64_json',
          seed: request.seed,
        }),
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
    } catch (err) {
      if (request.signal.aborted) throw err;
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs} ms` : String(err);
      throw new TransientGenerationFailure(`images API unreachable: ${reason}`);
    }
    const text = await response.text();
    if (!response.ok) {
      const detail = apiErrorMessage(text) ?? `HTTP ${response.status}`;
      const message = `images API answered ${response.status}: ${detail}`;
      throw TRANSIENT_STATUSES.has(response.status) ? new TransientGenerationFailure(message) : new PermanentGenerationFailure(message);
    }
    const b64 = imageOf(text);
    if (!b64) throw new TransientGenerationFailure('images API answered 200 without data[0].b64_json');
    const bytes = Buffer.from(b64, 'base64');
    return { bytes, contentType: sniffContentType(bytes) };
  }
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
