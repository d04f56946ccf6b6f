/**
 * The image-generation use cases: a submission pins the character's refs (an Update on the
 * character, refused unless it is ready) and starts the generation with update-with-start (its id
 * from the Idempotency-Key when there is one); reads come from the memo, lists from visibility.
 */
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import type { Character } from '../../domain/character.js';
import { CHARACTER_ID_PATTERN, IDEMPOTENT_UPDATE_PREFIX, IMAGE_ID_PATTERN } from '../../domain/ids.js';
import { IMAGE_STATUSES, type ImageGeneration, type ImageSeed, type ImageSpec, type ImageStatus as Status, type PinnedRef, characterNotReady, creditsPerOutput, isTerminal, isVisibleImage } from '../../domain/images.js';
import { mintedAt, newId } from '../../domain/new-id.js';
import * as messages from '../../domain/messages.js';
import { CharacterId, ImageCreatedAt, ImageStatus, TeamId } from '../../domain/search-attributes.js';
import { ApiError, notFound, toApiError } from '../errors.js';
import type { CallContext } from './characters.js';
import { type Page, acceptedUpdate, memoOf, newestFirst } from './workflow-calls.js';

const imageNotFound = () => notFound('image generation');
const characterNotFound = () => notFound('character', 'character_id');

export class Images {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** What `spec` would cost; refused like a submission when its character is not usable. */
  async estimate(ctx: CallContext, spec: ImageSpec): Promise<number> {
    if (spec.characterId) await this.usableCharacter(ctx, spec.characterId);
    return spec.count * creditsPerOutput(spec.width, spec.height);
  }

  async create(ctx: CallContext, spec: ImageSpec): Promise<ImageGeneration> {
    const id = ctx.operationId ?? newId('image');
    const refs = spec.characterId ? await this.pin(ctx, spec.characterId, id) : [];
    const seed: ImageSeed = { ...spec, id, teamId: ctx.teamId, refs, aurousVersion: ctx.version, createdAt: mintedAt('image', id) };
    const start = new WithStartWorkflowOperation('imageWorkflow', {
      workflowId: id,
      taskQueue: this.taskQueue,
      args: [{ seed }],
      workflowIdConflictPolicy: ctx.operationId ? 'USE_EXISTING' : 'FAIL',
      staticSummary: `Image generation of ${ctx.teamId}: ${spec.count} × ${spec.width}×${spec.height}${spec.characterId ? ` with ${spec.characterId}` : ''}`,
      typedSearchAttributes: [
        { key: TeamId, value: ctx.teamId },
        { key: ImageStatus, value: 'new' },
        { key: ImageCreatedAt, value: new Date(seed.createdAt) },
        ...(spec.characterId ? [{ key: CharacterId, value: spec.characterId }] : []),
      ],
    });
    return acceptedUpdate(this.client, () =>
      this.client.workflow.startUpdateWithStart(messages.submitImage, {
        args: [{ teamId: ctx.teamId, requestId: ctx.requestId }],
        updateId: ctx.operationId ? `${IDEMPOTENT_UPDATE_PREFIX}${id}` : ctx.requestId,
        startWorkflowOperation: start,
        waitForStage: 'ACCEPTED',
      }),
    );
  }

  /**
   * The character's refs as they are now, recorded by the character itself (an Update, so it is
   * serialized with its regenerates and deletes and shows in its audit trail).
   */
  private async pin(ctx: CallContext, characterId: string, imageId: string): Promise<PinnedRef[]> {
    if (!CHARACTER_ID_PATTERN.test(characterId)) throw characterNotFound();
    const handle = this.client.workflow.getHandle(characterId);
    try {
      return await acceptedUpdate(this.client, () =>
        handle.startUpdate(messages.useInImage, { args: [{ teamId: ctx.teamId, requestId: ctx.requestId, imageId }], updateId: `${imageId}/pin`, waitForStage: 'ACCEPTED' }),
      );
    } catch (err) {
      throw this.characterError(err);
    }
  }

  /** A refusal about the character names `character_id`. */
  private characterError(err: unknown): ApiError {
    const apiError = toApiError(err);
    return apiError.code === 'resource_not_found' ? characterNotFound() : apiError;
  }

  /** For an estimate: the character must be the team's and ready, as a submission would require. */
  private async usableCharacter(ctx: CallContext, characterId: string): Promise<void> {
    if (!CHARACTER_ID_PATTERN.test(characterId)) throw characterNotFound();
    let character: Character | undefined;
    try {
      character = (await memoOf<Character>(this.client.workflow.getHandle(characterId), 'character')).value;
    } catch (err) {
      throw this.characterError(err);
    }
    if (!character || character.teamId !== ctx.teamId || character.status === 'new' || character.status === 'rejected') throw characterNotFound();
    if (character.status !== 'ready') {
      const refusal = characterNotReady(character.status);
      throw new ApiError(400, refusal.code, refusal.message, refusal.param);
    }
  }

  /** The generation if it is this team's; otherwise exactly like a missing one. */
  async get(ctx: CallContext, id: string): Promise<ImageGeneration> {
    if (!IMAGE_ID_PATTERN.test(id)) throw imageNotFound();
    const handle = this.client.workflow.getHandle(id);
    let image: ImageGeneration | undefined;
    try {
      image = (await memoOf<ImageGeneration>(handle, 'image')).value;
    } catch (err) {
      const apiError = toApiError(err);
      throw apiError.code === 'resource_not_found' ? imageNotFound() : apiError;
    }
    if (!image || image.teamId !== ctx.teamId || !isVisibleImage(image.status)) throw imageNotFound();
    return image;
  }

  /**
   * Cancels a pending or processing generation. A finished one is answered from its record without
   * a worker: cancelled again is unchanged, succeeded or failed is refused.
   */
  async cancel(ctx: CallContext, id: string): Promise<ImageGeneration> {
    const image = await this.get(ctx, id);
    if (isTerminal(image.status)) return this.finishedCancel(image);
    const handle = this.client.workflow.getHandle(id);
    try {
      return await acceptedUpdate(this.client, () =>
        handle.startUpdate(messages.cancelImage, { args: [{ teamId: ctx.teamId, requestId: ctx.requestId }], updateId: ctx.operationId ?? ctx.requestId, waitForStage: 'ACCEPTED' }),
      );
    } catch (err) {
      // It finished while the cancel was on its way: answer from the final record.
      if (toApiError(err).code === 'resource_not_found') return this.finishedCancel(await this.get(ctx, id));
      throw err;
    }
  }

  private finishedCancel(image: ImageGeneration): ImageGeneration {
    if (image.status === 'cancelled') return image;
    throw new ApiError(400, 'generation_not_cancellable', `This generation has ${image.status}; only a pending or processing generation can be cancelled.`);
  }

  /** The team's generations, newest first, optionally of one status or one character. */
  list(ctx: CallContext, input: { limit: number; startingAfter?: string; status?: Status; characterId?: string }): Promise<Page<ImageGeneration>> {
    const statuses = input.status ? [input.status] : IMAGE_STATUSES;
    return newestFirst(this.client, {
      kind: 'image',
      clauses: [
        `WorkflowType = 'imageWorkflow'`,
        `TeamId = '${ctx.teamId}'`,
        `ImageStatus IN (${statuses.map((s) => `'${s}'`).join(', ')})`,
        ...(input.characterId ? [`CharacterId = '${input.characterId}'`] : []),
      ],
      createdAtAttribute: ImageCreatedAt.name,
      recordOf: (memo) => {
        const image = memo?.image as ImageGeneration | undefined;
        return image && isVisibleImage(image.status) ? image : undefined;
      },
      limit: input.limit,
      startingAfter: input.startingAfter,
    });
  }
}
