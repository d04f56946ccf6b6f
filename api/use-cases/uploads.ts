/**
 * The upload flow's use cases: a ticket is a workflow (`upl_…`) started with its record in its
 * memo; the signed PUT brings bytes that are decoded, checked and re-encoded without metadata
 * (sharp) before anything is stored; classify asks the ticket, which asks the backend once.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import type { BlobStore } from '../../activities/blobs/store.js';
import { UPLOAD_ID_PATTERN } from '../../domain/ids.js';
import * as messages from '../../domain/messages.js';
import { newId } from '../../domain/new-id.js';
import { TeamId } from '../../domain/search-attributes.js';
import {
  MAX_UPLOAD_SIDE,
  MIN_UPLOAD_SIDE,
  type PoseGuess,
  UPLOAD_TYPES,
  type UploadContentType,
  type UploadExtension,
  type UploadTicket,
  type UploadedImage,
  uploadInvalid,
} from '../../domain/uploads.js';
import { ApiError, notFound } from '../errors.js';
import type { CallContext } from './characters.js';
import { acceptedUpdate, memoOf } from './workflow-calls.js';

export interface UploadsOptions {
  /** How long a ticket lives unconsumed, with its bytes. */
  ticketTtlSeconds: number;
}

const FORMAT_OF: Record<UploadContentType, 'jpeg' | 'png' | 'webp'> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' };

/**
 * How each type is re-encoded (sharp writes no metadata unless asked). PNG stays lossless and
 * full-colour: a `quality` would quantize it to a palette, lossy and slow on photos.
 */
const ENCODE: Record<'jpeg' | 'png' | 'webp', (image: Sharp) => Sharp> = {
  jpeg: (image) => image.jpeg({ quality: 92 }),
  png: (image) => image.png({ compressionLevel: 6, adaptiveFiltering: false }),
  webp: (image) => image.webp({ quality: 92 }),
};

const invalid = (message: string, param = 'upload_id') => new ApiError(400, 'upload_invalid', message, param);

export class Uploads {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly blobs: BlobStore,
    private readonly options: UploadsOptions,
  ) {}

  async init(ctx: CallContext, input: { filename: string; extension: UploadExtension }): Promise<UploadTicket> {
    const id = ctx.operationId ?? newId('upload');
    const now = Date.now();
    const ticket: UploadTicket = {
      id,
      teamId: ctx.teamId,
      filename: input.filename,
      extension: input.extension,
      contentType: UPLOAD_TYPES[input.extension],
      state: 'awaiting',
      image: null,
      classification: null,
      consumedBy: null,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.options.ticketTtlSeconds * 1000).toISOString(),
    };
    await this.client.workflow.start('uploadWorkflow', {
      workflowId: id,
      taskQueue: this.taskQueue,
      args: [{ ticket, lifetimeMs: this.options.ticketTtlSeconds * 1000 }],
      memo: { upload: ticket },
      workflowIdConflictPolicy: ctx.operationId ? 'USE_EXISTING' : 'FAIL',
      typedSearchAttributes: [{ key: TeamId, value: ctx.teamId }],
      staticSummary: `Upload "${input.filename}" of ${ctx.teamId}`,
    });
    return ticket;
  }

  /** The ticket as its workflow last published it, or null when there is none. */
  async ticket(id: string): Promise<UploadTicket | null> {
    if (!UPLOAD_ID_PATTERN.test(id)) return null;
    try {
      return (await memoOf<UploadTicket>(this.client.workflow.getHandle(id), 'upload')).value ?? null;
    } catch {
      return null;
    }
  }

  /**
   * The bytes of a PUT: decoded as the declared type (a mismatch, a non-image or a truncated one
   * is refused), sides checked, re-encoded without metadata (EXIF, GPS, comments, ICC) after
   * turning it upright, then stored and recorded by the ticket. A refusal stores nothing.
   */
  async receive(ticket: UploadTicket, bytes: Buffer, requestId: string): Promise<UploadedImage> {
    if (ticket.state === 'consumed' || ticket.state === 'expired') throw invalid(uploadInvalid(ticket).message);
    const format = FORMAT_OF[ticket.contentType];
    let encoded: { data: Buffer; info: OutputInfo };
    try {
      const meta = await sharp(bytes).metadata();
      if (meta.format !== format) throw invalid(`The bytes are ${meta.format ? `a ${meta.format.toUpperCase()} image` : 'not an image'}, but the upload was declared ${ticket.contentType}.`);
      const [width, height] = [meta.autoOrient?.width ?? meta.width ?? 0, meta.autoOrient?.height ?? meta.height ?? 0];
      if (Math.min(width, height) < MIN_UPLOAD_SIDE || Math.max(width, height) > MAX_UPLOAD_SIDE) {
        throw invalid(`The image is ${width}×${height}; each side must be ${MIN_UPLOAD_SIDE} to ${MAX_UPLOAD_SIDE} pixels.`);
      }
      encoded = await ENCODE[format](sharp(bytes, { failOn: 'truncated' }).rotate()).toBuffer({ resolveWithObject: true });
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw invalid(`The bytes could not be decoded as ${ticket.contentType}: ${(err as Error).message.split('\n')[0]}.`);
    }
    const sha256 = createHash('sha256').update(encoded.data).digest('hex');
    const image: UploadedImage = {
      key: `${ticket.teamId}/${ticket.id}/${sha256}.${ticket.extension}`,
      contentType: ticket.contentType,
      size: encoded.data.length,
      sha256,
      width: encoded.info.width,
      height: encoded.info.height,
    };
    await this.blobs.put(image.key, encoded.data, image.contentType);
    try {
      const handle = this.client.workflow.getHandle(ticket.id);
      await acceptedUpdate(this.client, () =>
        handle.startUpdate(messages.recordUpload, { args: [{ teamId: ticket.teamId, requestId, image }], waitForStage: 'ACCEPTED' }),
      );
    } catch (err) {
      // The ticket would not take it (consumed or expired meanwhile): keep nothing.
      if (image.key !== ticket.image?.key) await this.blobs.delete([image.key]);
      throw err;
    }
    return image;
  }

  /** The ticket's pose guess: unknown, expired, not uploaded or consumed is 400; another team's, 404. */
  async classify(ctx: CallContext, id: string): Promise<PoseGuess> {
    const ticket = await this.ticket(id);
    if (!ticket) throw invalid(`No such upload: ${id}. Start one with POST /v1/characters/uploads/init.`);
    if (ticket.teamId !== ctx.teamId) throw notFound('upload', 'upload_id');
    if (ticket.state !== 'uploaded') throw invalid(uploadInvalid(ticket).message);
    const handle = this.client.workflow.getHandle(id);
    return acceptedUpdate(this.client, () =>
      handle.startUpdate(messages.classifyUpload, { args: [{ teamId: ctx.teamId, requestId: ctx.requestId }], waitForStage: 'ACCEPTED' }),
    );
  }
}
