/**
 * The built-in inference backend. For poses it draws a character reference sheet as a real PNG,
 * deterministic for (attributes, pose, seed); poses differ visibly; hair, eye and skin colour, hair
 * length and build follow the attributes. For image generations it paints a scene (scene.ts).
 * Latency and failure rates are configurable for demos, tests and benchmarks.
 */
import type { Attributes, Pose } from '../../domain/character.js';
import type { GeneratedImage, GenerationRequest, ImageGenerationRequest, InferenceBackend } from './backend.js';
import { Canvas } from './canvas.js';
import { DEFAULT_SKIN, type Rgb, colorOf, hsl, skinToneIn } from './colors.js';
import { type FaultOptions, type InjectedFault, simulateModelCall } from './faults.js';
import { type Look, drawCharacter } from './figure.js';
import { prng } from './prng.js';
import { renderScene } from './scene.js';
import type { PoseGuess } from '../../domain/uploads.js';
import { classifyPose } from './pose-classifier.js';

export interface RendererOptions extends FaultOptions {
  /** Side of a reference sheet, in pixels (image generations have their own size). */
  size: number;
}

export const DEFAULT_RENDERER_OPTIONS: RendererOptions = {
  latencyMs: 1000,
  transientFailureRate: 0,
  permanentFailureRate: 0,
  hangRate: 0,
  size: 320,
};

/** A reference sheet's look: the figure's, plus the plain backdrop it stands on. */
interface SheetLook extends Look {
  background: Rgb;
}

function lookOf(attributes: Attributes | null, random: () => number): SheetLook {
  const a = attributes ?? {};
  const style = (a.hair_style ?? '').toLowerCase();
  const hairLength = /bald|shaved/.test(style)
    ? 'none'
    : /long|waist|braid|ponytail/.test(style)
      ? 'long'
      : /short|buzz|crop|pixie/.test(style)
        ? 'short'
        : 'medium';
  const hairColor = a.hair_color ? colorOf(a.hair_color) : (a.age ?? 0) >= 65 ? colorOf('gray') : colorOf('brown');
  const body = (a.body_type ?? '').toLowerCase();
  const build = /slim|slender|thin|petite|lean/.test(body) ? 0.8 : /heavy|stocky|large|broad|muscular|curvy/.test(body) ? 1.25 : 1;
  return {
    skin: skinToneIn(`${a.additional_details ?? ''} ${a.ethnicity ?? ''}`) ?? DEFAULT_SKIN,
    hair: hairLength === 'none' ? null : hairColor,
    hairLength,
    eyes: a.eye_color ? colorOf(a.eye_color) : colorOf('brown'),
    clothes: hsl(Math.floor(random() * 360), 0.45, 0.4),
    background: hsl(Math.floor(random() * 360), 0.25, 0.88),
    build,
  };
}

/** Draws one pose of a character; exported for tests that check the picture itself. */
export function renderPose(attributes: Attributes | null, pose: Pose, seed: number, size: number): Buffer {
  const random = prng(`${JSON.stringify(attributes ?? {})}|${pose}|${seed}`);
  const look = lookOf(attributes, random);
  const c = new Canvas(size, size, look.background);
  const cx = size / 2 + (random() - 0.5) * size * 0.04;
  drawCharacter(c, cx, 0, size, look, pose);
  return c.toPng();
}

export class BuiltInRenderer implements InferenceBackend {
  readonly name = 'renderer';

  constructor(
    private readonly options: RendererOptions = DEFAULT_RENDERER_OPTIONS,
    /** Told of every injected fault, so a chaos run can count them. */
    private readonly onFault?: (fault: InjectedFault) => void,
  ) {}

  async generate(request: GenerationRequest): Promise<GeneratedImage> {
    await simulateModelCall(this.options, request.signal, this.onFault);
    return { bytes: renderPose(request.attributes, request.pose, request.seed, this.options.size), contentType: 'image/png' };
  }

  async generateImage(request: ImageGenerationRequest): Promise<GeneratedImage> {
    await simulateModelCall(this.options, request.signal, this.onFault);
    return { bytes: await renderScene(request), contentType: 'image/png' };
  }

  /** An image heuristic, not a model: see pose-classifier.ts. */
  classifyPose(image: { bytes: Buffer }): Promise<PoseGuess> {
    return classifyPose(image.bytes);
  }
}
