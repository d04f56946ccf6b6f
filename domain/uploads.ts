/**
 * An upload ticket: a client's own image on its way to becoming a character's ref. Its states, its
 * accepted types, and the refusals of the upload flow. Shared by api/ and workflows/.
 */
import type { ImageRecord, Pose } from './character.js';
import type { Refusal } from './errors.js';

/** Extensions a client may declare, and the one content type each must carry. */
export const UPLOAD_TYPES = { jpeg: 'image/jpeg', jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
export type UploadExtension = keyof typeof UPLOAD_TYPES;
export type UploadContentType = (typeof UPLOAD_TYPES)[UploadExtension];
export const UPLOAD_EXTENSIONS = Object.keys(UPLOAD_TYPES) as UploadExtension[];
export const UPLOAD_CONTENT_TYPES = [...new Set(Object.values(UPLOAD_TYPES))] as UploadContentType[];

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MIN_UPLOAD_SIDE = 64;
export const MAX_UPLOAD_SIDE = 4096;
/** How many uploads one character is made of. */
export const MAX_UPLOADS_PER_CHARACTER = 6;

/** `awaiting`: no bytes yet; `uploaded`: bytes kept; `consumed`: a character's ref; `expired`: gone with its bytes. */
export type UploadState = 'awaiting' | 'uploaded' | 'consumed' | 'expired';

/** The stored image of an upload: re-encoded without metadata. */
export interface UploadedImage extends ImageRecord {
  width: number;
  height: number;
}

export interface PoseGuess {
  pose: Pose;
  confidence: number;
}

export interface UploadTicket {
  id: string;
  teamId: string;
  filename: string;
  extension: UploadExtension;
  contentType: UploadContentType;
  state: UploadState;
  image: UploadedImage | null;
  classification: PoseGuess | null;
  /** The character it became a ref of. */
  consumedBy: string | null;
  createdAt: string;
  /** When the ticket forgets itself, and its bytes. */
  expiresAt: string;
}

/** The ticket's answer to an Update that needs it in another state. */
export function uploadInvalid(ticket: Pick<UploadTicket, 'id' | 'state'>): Refusal {
  const why: Record<UploadState, string> = {
    awaiting: 'has no bytes yet: PUT the image to its upload_url first',
    uploaded: 'is already uploaded',
    consumed: 'was already used by a character',
    expired: 'has expired and its bytes are gone: start a new upload',
  };
  return { code: 'upload_invalid', message: `Upload ${ticket.id} ${why[ticket.state]}.`, param: 'upload_ids' };
}
