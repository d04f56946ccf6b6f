/**
 * A character's identity attributes: one zod schema, the type derived from it. The API validates
 * with it; workflows and activities import the type only (zod stays out of the workflow bundle).
 */
import { z } from 'zod';
import { plainText as text } from './plain-text.js';

export const attributesSchema = z.strictObject({
  gender: text(200).optional(),
  age: z.number().int().min(0).max(150).optional(),
  ethnicity: text(200).optional(),
  hair_color: text(200).optional(),
  hair_style: text(200).optional(),
  eye_color: text(200).optional(),
  body_type: text(200).optional(),
  additional_details: text(1000).optional(),
});

export type Attributes = z.infer<typeof attributesSchema>;
