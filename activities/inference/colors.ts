/** Colour words an attribute may use, as RGB. Unknown words fall back to a colour hashed from the word. */
export type Rgb = readonly [number, number, number];

const NAMED: Record<string, Rgb> = {
  black: [20, 18, 20],
  'jet-black': [10, 10, 12],
  brown: [101, 67, 33],
  'dark-brown': [60, 38, 20],
  'light-brown': [150, 105, 60],
  chestnut: [149, 69, 53],
  auburn: [145, 50, 30],
  red: [190, 40, 30],
  ginger: [205, 100, 40],
  copper: [184, 115, 51],
  blonde: [235, 205, 120],
  blond: [235, 205, 120],
  golden: [218, 165, 32],
  platinum: [229, 228, 226],
  white: [245, 245, 245],
  silver: [192, 192, 200],
  gray: [140, 140, 145],
  grey: [140, 140, 145],
  blue: [40, 90, 200],
  'light-blue': [120, 170, 230],
  'ice-blue': [170, 210, 240],
  green: [40, 140, 60],
  hazel: [142, 118, 60],
  amber: [255, 176, 0],
  violet: [140, 60, 200],
  purple: [110, 40, 150],
  pink: [240, 130, 170],
  teal: [0, 128, 128],
  orange: [240, 130, 20],
  yellow: [240, 220, 60],
};

const SKIN: Record<string, Rgb> = {
  porcelain: [250, 230, 220],
  pale: [245, 222, 205],
  fair: [240, 210, 185],
  light: [232, 196, 168],
  medium: [205, 160, 120],
  olive: [190, 155, 105],
  tan: [185, 135, 95],
  tanned: [185, 135, 95],
  brown: [140, 95, 60],
  dark: [95, 60, 40],
  deep: [75, 48, 32],
  ebony: [60, 40, 30],
};

export const DEFAULT_SKIN: Rgb = SKIN.medium!;

function normalize(word: string): string {
  return word.trim().toLowerCase().replace(/\s+/g, '-');
}

function hashHue(word: string): number {
  let h = 2166136261;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
  return (h >>> 0) % 360;
}

export function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** The colour a phrase such as "dark brown", "#aa3300" or "ice blue" names. */
export function colorOf(phrase: string): Rgb {
  const hex = /^#?([0-9a-f]{6})$/i.exec(phrase.trim());
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const word = normalize(phrase);
  if (NAMED[word]) return NAMED[word];
  // "long wavy auburn" → the last word that names a colour.
  const known = word.split('-').reverse().find((w) => NAMED[w]);
  return known ? NAMED[known]! : hsl(hashHue(word), 0.55, 0.45);
}

/** The colour a single word names exactly ("red", "teal"), or null: no hashed guess. */
export function namedColor(word: string): Rgb | null {
  return NAMED[normalize(word)] ?? null;
}

/** A skin tone named in free text ("olive skin", "pale-skinned"), or null. */
export function skinToneIn(text: string): Rgb | null {
  const match = /([a-z]+)[\s-]+skin/i.exec(text);
  if (!match) return null;
  const word = match[1]!.toLowerCase();
  return SKIN[word] ?? NAMED[word] ?? null;
}

export function shade(color: Rgb, factor: number): Rgb {
  return [0, 1, 2].map((i) => Math.max(0, Math.min(255, Math.round(color[i]! * factor)))) as unknown as Rgb;
}
