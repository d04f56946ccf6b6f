/**
 * An upload ticket's life: bytes recorded (a second PUT replaces them), a pose guess remembered,
 * consumed by exactly one character, or expired with its bytes.
 */
import { setCurrentDetails, upsertMemo } from '@temporalio/workflow';
import type { Caller } from '../../domain/messages.js';
import { type PoseGuess, type UploadTicket, type UploadedImage, uploadInvalid } from '../../domain/uploads.js';
import { classifyImage, purgeImages } from '../activities.js';
import { refuse } from '../failures.js';

type Consumer = { teamId: string; characterId: string };

export class UploadEntity {
  private classifying: Promise<PoseGuess> | null = null;

  constructor(readonly ticket: UploadTicket) {}

  /** Another team's ticket is exactly like a missing one. */
  private checkTeam(caller: { teamId: string }): void {
    if (caller.teamId !== this.ticket.teamId) refuse({ code: 'resource_not_found', message: 'No such upload.', param: 'upload_id' });
  }

  validateRecord(input: Caller): void {
    this.checkTeam(input);
    if (this.ticket.state === 'consumed' || this.ticket.state === 'expired') refuse(uploadInvalid(this.ticket));
  }

  /** New bytes replace the old ones (which are purged) and the guess made from them. */
  async record(input: Caller & { image: UploadedImage }): Promise<UploadTicket> {
    const previous = this.ticket.image;
    this.ticket.image = input.image;
    this.ticket.state = 'uploaded';
    this.ticket.classification = null;
    this.classifying = null;
    this.publish();
    if (previous && previous.key !== input.image.key) await purgeImages([previous.key]);
    return { ...this.ticket };
  }

  validateClassify(caller: Caller): void {
    this.checkTeam(caller);
    if (this.ticket.state !== 'uploaded') refuse(uploadInvalid(this.ticket));
  }

  /** Asks the inference backend once; later calls get the remembered answer. */
  async classify(): Promise<PoseGuess> {
    if (this.ticket.classification) return this.ticket.classification;
    const image = this.ticket.image!;
    this.classifying ??= classifyImage({ key: image.key, contentType: image.contentType });
    const guess = await this.classifying;
    if (this.ticket.image?.key === image.key) {
      this.ticket.classification = guess;
      this.publish();
    }
    return guess;
  }

  validateConsume(consumer: Consumer): void {
    if (consumer.teamId !== this.ticket.teamId) refuse({ ...uploadInvalid(this.ticket), message: `No such upload: ${this.ticket.id}.` });
    const again = this.ticket.state === 'consumed' && this.ticket.consumedBy === consumer.characterId;
    if (this.ticket.state !== 'uploaded' && !again) refuse(uploadInvalid(this.ticket));
  }

  consume(consumer: Consumer): UploadTicket {
    this.ticket.state = 'consumed';
    this.ticket.consumedBy = consumer.characterId;
    this.publish();
    return { ...this.ticket };
  }

  /** The character it was consumed for was not created after all: the ticket is usable again. */
  release(consumer: Consumer): UploadTicket {
    if (this.ticket.state === 'consumed' && this.ticket.consumedBy === consumer.characterId) {
      this.ticket.state = 'uploaded';
      this.ticket.consumedBy = null;
      this.publish();
    }
    return { ...this.ticket };
  }

  get consumed(): boolean {
    return this.ticket.state === 'consumed';
  }

  /** Past its lifetime and never consumed: the bytes go, the ticket says so. */
  async expire(): Promise<void> {
    const image = this.ticket.image;
    this.ticket.state = 'expired';
    this.ticket.image = null;
    this.publish();
    if (image) await purgeImages([image.key]);
  }

  publish(): void {
    upsertMemo({ upload: this.ticket });
    setCurrentDetails(`**${this.ticket.state}**: ${this.ticket.filename}${this.ticket.consumedBy ? ` → ${this.ticket.consumedBy}` : ''}`);
  }
}
