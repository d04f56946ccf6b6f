/** The event types of a character's audit trail (`GET /v1/characters/{id}/events`), declared once. */
export const AUDIT_EVENT_TYPES = [
  'character.created',
  'character.pose_generated',
  'character.pose_failed',
  'character.pose_cancelled',
  'character.saved',
  'character.ref_regenerated',
  'character.resynthesized',
  'character.updated',
  'character.deleted',
  'character.used_in_image',
  'credits.debited',
  'credits.refunded',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** The audit event each character Update stands for, by Update name. */
export const UPDATE_EVENT_TYPES: Readonly<Record<string, AuditEventType>> = {
  create: 'character.created',
  createFromUploads: 'character.created',
  regenerateRef: 'character.ref_regenerated',
  resynthesize: 'character.resynthesized',
  save: 'character.saved',
  update: 'character.updated',
  delete: 'character.deleted',
  useInImage: 'character.used_in_image',
};

/** The event types of an image generation's audit trail (`npm run admin -- image history <id>`). */
export const IMAGE_EVENT_TYPES = [
  'image.submitted',
  'image.output_rendered',
  'image.output_failed',
  'image.output_cancelled',
  'image.cancelled',
  'image.finished',
  'credits.debited',
  'credits.refunded',
] as const;
export type ImageEventType = (typeof IMAGE_EVENT_TYPES)[number];

export interface AuditEvent<T extends string = AuditEventType> {
  id: string;
  type: T;
  created_at: string;
  request_id: string | null;
  data: Record<string, unknown>;
}
