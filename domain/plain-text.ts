/**
 * Plain text for what people read back (character names, attribute values): no control characters
 * and no bidi overrides, which would let a name hide or reorder what a reviewer or a log shows.
 */
import { z } from 'zod';

/** C0 and C1 controls (NUL included), bidi embeddings and overrides (U+202A–U+202E), bidi isolates (U+2066–U+2069). */
const FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;
/** A UTF-16 surrogate without its pair: JSON escapes (`"\ud800"`) can carry one, UTF-8 cannot store it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` is not plain text, or undefined when it is. */
export function plainTextProblem(value: string): string | undefined {
  const forbidden = FORBIDDEN.exec(value);
  if (forbidden) {
    const code = `U+${forbidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return `contains the control character ${code} at position ${forbidden.index}; remove control characters and bidi overrides, send plain text`;
  }
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) return `contains an unpaired UTF-16 surrogate at position ${surrogate.index}; send valid Unicode text`;
  return undefined;
}

/** A string of at most `max` characters that is plain text. */
export const plainText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const problem = plainTextProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
