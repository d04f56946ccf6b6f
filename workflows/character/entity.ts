/**
 * A character's transitions: one method per Update of the workflow, each refused or applied whole.
 * The rules (which status allows what, what it costs, where it lands) are the pure functions of
 * domain/transitions.ts; this class applies them to the workflow's state.
 */
import { Mutex } from 'async-mutex';
import type { Character } from '../../domain/character.js';
import type { PinnedRef } from '../../domain/images.js';
import type { UploadTicket, UploadedImage } from '../../domain/uploads.js';
import type * as messages from '../../domain/messages.js';
import { characterNotFound } from '../../domain/refusals.js';
import { type Action, purgesImagesOnDelete, refusalFor } from '../../domain/transitions.js';
import { consumeUpload, purgeImages, releaseUpload } from '../activities.js';
import { nowIso } from '../clock.js';
import { failureMessage, refuse } from '../failures.js';
import { AppliedUpdates } from './applied-updates.js';
import { Generations } from './generation.js';
import { CharacterEvents } from './events.js';
import { Publication } from './publication.js';
import { type CharacterWorkflowInput, type CharacterWorkflowState, stateOf } from './state.js';

export class CharacterEntity {
  readonly state: CharacterWorkflowState;
  readonly generations: Generations;
  readonly appliedUpdates: AppliedUpdates;
  private readonly transitions = new Mutex();
  private readonly publication = new Publication();
  readonly events: CharacterEvents;

  constructor(input: CharacterWorkflowInput) {
    this.state = stateOf(input);
    this.generations = new Generations(this.state, () => this.touch());
    this.appliedUpdates = new AppliedUpdates(this.state.appliedUpdates);
    this.events = new CharacterEvents(this.state.character);
  }

  get character(): Character {
    return this.state.character;
  }

  /** Synchronous check run by every validator: a refused call never reaches history. */
  validate(action: Action, caller: { teamId: string }): void {
    if (this.appliedUpdates.current()) return;
    if (caller.teamId !== this.character.teamId) refuse(characterNotFound());
    const refusal = refusalFor(action, this.character.status, this.state.purged);
    if (refusal) refuse(refusal);
  }

  /**
   * Runs one transition at a time. Racing calls passed their validators against the same status;
   * the lock makes them take turns, and each re-checks the status it finds.
   */
  private transition<T>(action: Action, caller: { teamId: string }, body: () => Promise<T>): Promise<T> {
    return this.transitions.runExclusive(async () => {
      const applied = this.appliedUpdates.current();
      if (applied) return this.resultOf(applied.action) as T;
      this.validate(action, caller);
      const result = await body();
      this.appliedUpdates.remember(action);
      return result;
    });
  }

  private resultOf(action: Action): Character | messages.DeleteResult {
    return action === 'delete' ? { id: this.character.id, deleted: true } : this.snapshot();
  }

  /**
   * The character as this transition left it. An Update's result is serialized when the activation
   * ends, after the other Updates delivered with it have run: returning the live object would answer
   * every caller with the last one's changes.
   */
  private snapshot(): Character {
    return JSON.parse(JSON.stringify(this.character)) as Character;
  }

  create(caller: messages.Caller): Promise<Character> {
    return this.transition('create', caller, async () => {
      try {
        await this.generations.charge('create');
      } catch (err) {
        this.character.status = 'rejected';
        this.publish();
        throw err;
      }
      return this.snapshot();
    });
  }

  /**
   * Creates the character from uploads, consuming each ticket in order; a ticket that cannot be
   * consumed releases the ones before it, so none ends up in a character that was never made.
   */
  createFromUploads(input: messages.CreateFromUploadsInput): Promise<Character> {
    return this.transition('createFromUploads', input, async () => {
      const use = (uploadId: string) => ({ uploadId, teamId: this.character.teamId, characterId: this.character.id });
      const tickets: UploadTicket[] = [];
      try {
        for (const uploadId of input.uploadIds) tickets.push(await consumeUpload(use(uploadId)));
      } catch (err) {
        for (const ticket of tickets) await releaseUpload(use(ticket.id));
        this.character.status = 'rejected';
        this.publish();
        refuse({ code: 'upload_invalid', message: failureMessage(err), param: 'upload_ids' });
      }
      const at = nowIso();
      this.character.refs = tickets.map((t) => ({ ...imageRecordOf(t.image!), pose: t.classification?.pose ?? 'other', seed: 0, generatedAt: at }));
      this.character.fromUploads = true;
      this.character.status = 'ready';
      this.touch();
      return this.snapshot();
    });
  }

  regenerateRef(input: messages.RegenerateRefInput): Promise<Character> {
    return this.transition('regenerateRef', input, async () => {
      await this.generations.charge('regenerateRef', input.pose, input.promptOverride);
      return this.snapshot();
    });
  }

  resynthesize(caller: messages.Caller): Promise<Character> {
    return this.transition('resynthesize', caller, async () => {
      await this.generations.charge('resynthesize');
      return this.snapshot();
    });
  }

  save(caller: messages.Caller): Promise<Character> {
    return this.transition('save', caller, async () => {
      if (this.character.status === 'ready') return this.snapshot();
      this.character.status = 'ready';
      this.touch();
      await this.purgeStaleImages();
      return this.snapshot();
    });
  }

  update(input: messages.UpdateInput): Promise<Character> {
    return this.transition('update', input, async () => {
      if (input.name !== undefined) this.character.name = input.name;
      if (input.attributes !== undefined) this.character.attributes = input.attributes;
      this.touch();
      return this.snapshot();
    });
  }

  delete(caller: messages.Caller): Promise<messages.DeleteResult> {
    return this.transition('delete', caller, async () => {
      const purge = purgesImagesOnDelete(this.character.status);
      await this.generations.cancel();
      if (purge) {
        await purgeImages([...this.character.refs.map((r) => r.key), ...this.state.staleImages]);
        this.state.staleImages = [];
        this.state.purged = true;
      }
      this.character.status = 'deleted';
      this.touch();
      return { id: this.character.id, deleted: true as const };
    });
  }

  /**
   * Pins the refs for an image generation. Under the transition lock, so it sees the status a
   * racing regenerate or delete leaves; the generation copies the images it is given.
   */
  useInImage(input: messages.UseInImageInput): Promise<PinnedRef[]> {
    return this.transition('useInImage', input, async () => this.character.refs.map(({ pose, key, contentType, size, sha256 }) => ({ pose, key, contentType, size, sha256 })));
  }

  private async purgeStaleImages(): Promise<void> {
    const stale = this.state.staleImages;
    if (stale.length === 0) return;
    await purgeImages(stale);
    this.state.staleImages = this.state.staleImages.filter((key) => !stale.includes(key));
  }

  private touch(): void {
    this.character.updatedAt = nowIso();
    this.publish();
  }

  /** Every change goes out from here: the memo for readers, and the webhook event it stands for. */
  publish(): void {
    this.publication.publish(this.character);
    this.events.observe(this.character);
  }

  get done(): boolean {
    return this.character.status === 'deleted' || this.character.status === 'rejected';
  }

  get idle(): boolean {
    return this.state.generation === null && !this.transitions.isLocked() && this.events.settled;
  }
}

/** The ref-relevant part of an uploaded image (its pixel size lives on the ticket). */
function imageRecordOf({ key, contentType, size, sha256 }: UploadedImage) {
  return { key, contentType, size, sha256 };
}
