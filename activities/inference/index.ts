import type { Config } from '../../platform/config.js';
import type { InferenceBackend } from './backend.js';
import { OpenAiImagesBackend } from './openai.js';
import type { InjectedFault } from './faults.js';
import { BuiltInRenderer } from './renderer.js';

/** The inference backend the configuration names. */
export function backendFromConfig(config: Config, onFault?: (fault: InjectedFault) => void): InferenceBackend {
  if (config.INFERENCE_BACKEND === 'openai') {
    return new OpenAiImagesBackend({
      baseUrl: config.OPENAI_BASE_URL,
      apiKey: config.OPENAI_API_KEY ?? '',
      model: config.OPENAI_MODEL,
      visionModel: config.OPENAI_VISION_MODEL,
      size: config.OPENAI_IMAGE_SIZE,
      timeoutMs: config.OPENAI_TIMEOUT_MS,
    });
  }
  return new BuiltInRenderer({
    latencyMs: config.RENDERER_LATENCY_MS,
    transientFailureRate: config.RENDERER_TRANSIENT_FAILURE_RATE,
    permanentFailureRate: config.RENDERER_PERMANENT_FAILURE_RATE,
    hangRate: config.RENDERER_HANG_RATE,
    size: config.RENDERER_SIZE,
  }, onFault);
}
