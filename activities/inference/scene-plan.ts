/**
 * What the built-in renderer paints for a prompt: a pure, deterministic reading of the prompt, the
 * negative prompt and the sampling parameters into a `ScenePlan` (palette, elements, framing).
 * No pixels here; scene.ts paints the plan.
 */
import type { Pose } from '../../domain/character.js';
import { type Rgb, hsl, namedColor } from './colors.js';

export const SCENE_ELEMENTS = [
  'sun', 'moon', 'stars', 'clouds', 'birds', 'mountains', 'water', 'trees', 'buildings', 'flowers', 'rain', 'snow',
] as const;
export type SceneElement = (typeof SCENE_ELEMENTS)[number];

export interface ScenePlan {
  skyTop: Rgb;
  skyBottom: Rgb;
  ground: Rgb;
  /** The colour objects take (flowers, lit windows, the sun): a colour word of the prompt, else hashed. */
  accent: Rgb;
  /** Where the ground meets the sky, as a share of the height. */
  horizon: number;
  elements: ReadonlySet<SceneElement>;
  /** A colour cast over the whole picture (night, sunset, neon), or null for neutral light. */
  light: { tint: Rgb; strength: number } | null;
  /** The view the character is drawn in. */
  pose: Pose;
  /** The character's frame as a share of the picture's height: how much the scene may take over. */
  figureScale: number;
  /** Amplitude of the sky's noise: what too few sampling steps leave behind. */
  grain: number;
  /** Seeds the placement of every element: prompt and seed, never the negative prompt, so a
   * negative prompt removes or recolours things without moving the rest. */
  layoutSeed: string;
}

export interface ScenePrompt {
  prompt: string;
  negativePrompt: string | null;
  seed: number;
  steps: number;
  guidanceScale: number;
  denoiseStrength: number;
}

/** Words that name each element, so a prompt can ask for it and a negative prompt can remove it. */
const ELEMENT_WORDS: Record<SceneElement, readonly string[]> = {
  sun: ['sun', 'sunny', 'sunshine', 'sunlight'],
  moon: ['moon', 'moonlight', 'moonlit'],
  stars: ['star', 'stars', 'starry', 'galaxy', 'space', 'cosmos'],
  clouds: ['cloud', 'clouds', 'cloudy', 'overcast'],
  birds: ['bird', 'birds', 'gull', 'gulls', 'seagull', 'seagulls'],
  mountains: ['mountain', 'mountains', 'hill', 'hills', 'peak', 'peaks', 'alps', 'cliff', 'cliffs'],
  water: ['water', 'sea', 'ocean', 'lake', 'river', 'beach', 'coast', 'shore', 'waves'],
  trees: ['tree', 'trees', 'forest', 'woods', 'jungle', 'pine', 'pines'],
  buildings: ['building', 'buildings', 'city', 'street', 'town', 'skyline', 'urban', 'downtown', 'house', 'houses'],
  flowers: ['flower', 'flowers', 'meadow', 'garden', 'field', 'park', 'blossom', 'blossoms'],
  rain: ['rain', 'rainy', 'storm', 'stormy', 'drizzle'],
  snow: ['snow', 'snowy', 'winter', 'blizzard', 'arctic', 'snowflakes'],
};

const TIMES = {
  night: { words: ['night', 'midnight', 'nighttime', 'moonlit'], skyTop: [12, 16, 48], skyBottom: [40, 48, 96], light: { tint: [90, 110, 200], strength: 0.45 } },
  sunset: { words: ['sunset', 'dusk', 'evening', 'golden'], skyTop: [70, 60, 140], skyBottom: [250, 150, 80], light: { tint: [255, 170, 110], strength: 0.3 } },
  dawn: { words: ['dawn', 'sunrise', 'morning'], skyTop: [120, 160, 220], skyBottom: [250, 200, 190], light: { tint: [255, 215, 200], strength: 0.15 } },
} as const satisfies Record<string, { words: readonly string[]; skyTop: Rgb; skyBottom: Rgb; light: ScenePlan['light'] }>;

const NEON = { tint: [230, 80, 220] as Rgb, strength: 0.3 };

/** Views a prompt can ask the character to be seen in; the first match wins, else `front`. */
const VIEWS: readonly (readonly [Pose, readonly string[]])[] = [
  ['portrait', ['portrait', 'headshot', 'closeup', 'close', 'face', 'bust']],
  ['back', ['behind', 'back', 'away']],
  ['side', ['profile', 'side', 'walking', 'running', 'walks', 'runs']],
  ['other', ['waving', 'waves', 'cheering', 'raising', 'dancing', 'celebrating']],
];

/** Negative-prompt words that ask for a clean picture: they switch the grain off. */
const CLEAN_WORDS = new Set(['blurry', 'blur', 'noise', 'noisy', 'grain', 'grainy', 'artifacts', 'jpeg', 'lowres', 'dithering']);

/** Words that carry no request of their own ("no trees, without clouds"). */
const FILLER = new Set(['a', 'an', 'the', 'no', 'not', 'without', 'of', 'and', 'or', 'with', 'in', 'on', 'at', 'any', 'low', 'bad', 'quality', 'very']);

function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^a-z]+/).filter(Boolean);
}

/** FNV-1a: a stable number for a text, so unrecognised words still steer the picture. */
export function textHash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function hueOf([r, g, b]: Rgb): { h: number; s: number; l: number } {
  const [rr, gg, bb] = [r / 255, g / 255, b / 255];
  const max = Math.max(rr, gg, bb);
  const min = Math.min(rr, gg, bb);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === rr ? ((gg - bb) / d + 6) % 6 : max === gg ? (bb - rr) / d + 2 : (rr - gg) / d + 4;
  return { h: h * 60, s, l };
}

/** Rotates a colour's hue and scales its saturation: how the palette is steered. */
function steer(color: Rgb, hueShift: number, saturation: number): Rgb {
  const { h, s, l } = hueOf(color);
  return hsl((((h + hueShift) % 360) + 360) % 360, Math.min(1, s * saturation), l);
}

function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

/** The colours a text names word by word. */
function colourWords(words: string[]): Rgb[] {
  return words.map(namedColor).filter((c): c is Rgb => c !== null);
}

export function planScene(input: ScenePrompt): ScenePlan {
  const words = wordsOf(input.prompt);
  const has = (list: readonly string[]) => list.some((w) => words.includes(w));
  const negative = wordsOf(input.negativePrompt ?? '');
  const promptHash = textHash(input.prompt);

  const elements = new Set<SceneElement>(SCENE_ELEMENTS.filter((e) => has(ELEMENT_WORDS[e])));
  const time = (Object.keys(TIMES) as (keyof typeof TIMES)[]).find((t) => has(TIMES[t].words));
  if (time === 'night') elements.add('moon').add('stars');
  else if (time === 'sunset' || time === 'dawn') elements.add('sun');
  // A prompt naming nothing we know still gets a scene of its own: its hash picks two elements.
  if (elements.size === 0) {
    const scenic: SceneElement[] = ['clouds', 'mountains', 'trees', 'buildings', 'flowers', 'water', 'birds', 'sun'];
    elements.add(scenic[promptHash % scenic.length]!).add(scenic[(promptHash >>> 8) % scenic.length]!);
  }
  if (elements.has('rain')) elements.add('clouds').delete('sun');

  const removed = new Set(SCENE_ELEMENTS.filter((e) => ELEMENT_WORDS[e].some((w) => negative.includes(w))));
  for (const e of removed) elements.delete(e);
  const bannedHues = colourWords(negative).map((c) => hueOf(c).h);
  const leftover = negative.filter((w) => !FILLER.has(w) && !CLEAN_WORDS.has(w) && !SCENE_ELEMENTS.some((e) => ELEMENT_WORDS[e].includes(w)) && colourWords([w]).length === 0);

  const base = time ? TIMES[time] : { skyTop: [90, 150, 230] as Rgb, skyBottom: [190, 220, 250] as Rgb, light: null };
  const ground: Rgb = elements.has('snow') ? [235, 240, 248] : elements.has('buildings') ? [120, 120, 128] : has(['desert', 'dunes', 'sand', 'beach']) ? [222, 196, 140] : [86, 150, 70];
  // Guidance is how hard the model follows the prompt: here, how saturated the scene's palette is.
  const saturation = Math.max(0.5, Math.min(1.6, 0.7 + 0.04 * input.guidanceScale));
  // Every prompt shifts the palette a little (up to ±15°); leftover negative words push it further.
  const jitter = (promptHash % 31) - 15 + (leftover.length ? 20 + (textHash(leftover.join(' ')) % 40) : 0);
  const avoid = (c: Rgb): Rgb => {
    const h = hueOf(c).h;
    return bannedHues.some((b) => hueDistance(h, b) < 40) ? steer(c, 180, 1) : c;
  };
  const palette = (c: Rgb) => avoid(steer(c, jitter, saturation));
  const promptColour = colourWords(words)[0];
  const accent = promptColour ?? hsl(textHash(`${input.prompt}|accent`) % 360, 0.7, 0.55);

  const light = has(['neon', 'cyberpunk']) ? NEON : has(['dark', 'moody', 'dramatic']) ? { tint: [60, 60, 80] as Rgb, strength: 0.35 } : base.light;
  const view = VIEWS.find(([, list]) => has(list))?.[0] ?? 'front';
  // Low denoise keeps the output near the reference sheet (a big figure); high denoise lets the scene take over.
  const denoise = Math.max(0, Math.min(1, input.denoiseStrength));
  const figureScale = view === 'portrait' ? 1.1 - 0.3 * denoise : 0.95 - 0.35 * denoise;

  return {
    skyTop: palette(base.skyTop),
    skyBottom: palette(base.skyBottom),
    ground: palette(ground),
    accent: avoid(accent),
    horizon: elements.has('water') ? 0.5 : 0.58 + ((promptHash >>> 16) % 8) / 100,
    elements,
    light: light ? { tint: light.tint, strength: light.strength } : null,
    pose: view,
    figureScale,
    grain: negative.some((w) => CLEAN_WORDS.has(w)) ? 0 : Math.round(40 / Math.max(1, input.steps)),
    layoutSeed: `${input.prompt}|${input.seed >>> 0}`,
  };
}
