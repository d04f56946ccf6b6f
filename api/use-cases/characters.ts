/**
 * The character use cases, in Temporal's terms: a create is an update-with-start, a transition is
 * an Update (its id from the request, so Temporal dedupes a retry), a read is the workflow's memo
 * (describe: no worker needed), a list is a visibility query. Knows nothing of HTTP.
 */
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { AuditEvent } from '../../domain/audit-events.js';
import { type Attributes, type Character, type CharacterSeed, type Pose, VISIBLE_STATUSES, isVisible } from '../../domain/character.js';
import { CHARACTER_ID_PATTERN, IDEMPOTENT_UPDATE_PREFIX } from '../../domain/ids.js';
import { mintedAt, newId } from '../../domain/new-id.js';
import * as messages from '../../domain/messages.js';
import { CharacterCreatedAt, CharacterName, CharacterStatus, ClientReferenceId, TeamId } from '../../domain/search-attributes.js';
import { characterEvents } from './character-trail.js';
import { type Page, acceptedUpdate, memoOf, newestFirst } from './workflow-calls.js';
import { notFound } from '../errors.js';

/** Who is calling: the team, this request's id (the Update id), and the API version applied. */
export interface CallContext {
  teamId: string;
  requestId: string;
  version: string;
  /** Set by an Idempotency-Key: the Update id to reuse, or for a create the character id. */
  operationId?: string;
}

/** The Update id of a call: the idempotent one when a key fixed it, else the request's own. */
function updateIdOf(ctx: CallContext): string {
  return ctx.operationId ?? ctx.requestId;
}

export interface CreateInput {
  name: string;
  attributes: Attributes | null;
  clientReferenceId: string | null;
  /** The upload flow: these tickets become the refs, in this order. */
  uploadIds?: string[];
}

export interface ListInput {
  limit: number;
  startingAfter?: string;
  status?: string;
}

export class Characters {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  private handle(id: string) {
    if (!CHARACTER_ID_PATTERN.test(id)) throw notFound();
    return this.client.workflow.getHandle(id);
  }

  /** Creates by synthesis (paid, generating), or from uploads when `uploadIds` are given (free, ready at once). */
  async create(ctx: CallContext, input: CreateInput): Promise<Character> {
    // With an Idempotency-Key the id is fixed by the key's record, so a retry reaches the same workflow.
    const id = ctx.operationId ?? newId('character');
    const seed: CharacterSeed = {
      id,
      teamId: ctx.teamId,
      name: input.name,
      attributes: input.attributes,
      clientReferenceId: input.clientReferenceId,
      aurousVersion: ctx.version,
      createdAt: mintedAt('character', id),
    };
    const start = new WithStartWorkflowOperation('characterWorkflow', {
      workflowId: seed.id,
      taskQueue: this.taskQueue,
      args: [{ seed }],
      workflowIdConflictPolicy: ctx.operationId ? 'USE_EXISTING' : 'FAIL',
      staticSummary: `Character "${seed.name}" of ${seed.teamId}`,
      typedSearchAttributes: [
        { key: TeamId, value: seed.teamId },
        { key: CharacterStatus, value: 'new' },
        { key: CharacterName, value: seed.name },
        { key: CharacterCreatedAt, value: new Date(seed.createdAt) },
        ...(seed.clientReferenceId ? [{ key: ClientReferenceId, value: seed.clientReferenceId }] : []),
      ],
    });
    const caller = { teamId: ctx.teamId, requestId: ctx.requestId };
    const updateId = ctx.operationId ? `${IDEMPOTENT_UPDATE_PREFIX}${seed.id}` : ctx.requestId;
    return acceptedUpdate(this.client, () =>
      input.uploadIds
        ? this.client.workflow.startUpdateWithStart(messages.createFromUploads, { args: [{ ...caller, uploadIds: input.uploadIds }], updateId, startWorkflowOperation: start, waitForStage: 'ACCEPTED' })
        : this.client.workflow.startUpdateWithStart(messages.createCharacter, { args: [caller], updateId, startWorkflowOperation: start, waitForStage: 'ACCEPTED' }),
    );
  }

  /**
   * The character if it is this team's and visible; otherwise exactly like a missing one. Read from
   * the memo, which the workflow updates in the same task as every change: a client reads its own
   * write. A run that has not published yet (one started before memos were kept) is queried.
   */
  async get(ctx: CallContext, id: string): Promise<Character> {
    const handle = this.handle(id);
    const character = (await memoOf<Character>(handle, 'character')).value ?? (await handle.query(messages.getCharacter));
    if (character.teamId !== ctx.teamId || !isVisible(character.status)) throw notFound();
    return character;
  }

  /** Sends one transition as an Update; its id makes a retry of the same call run once. */
  private transition<R, I extends messages.Caller>(ctx: CallContext, id: string, update: UpdateDefinition<R, [I]>, input: Omit<I, keyof messages.Caller>): Promise<R> {
    const handle = this.handle(id);
    return acceptedUpdate(this.client, () =>
      handle.startUpdate(update, {
        args: [{ ...input, teamId: ctx.teamId, requestId: ctx.requestId } as I],
        updateId: updateIdOf(ctx),
        waitForStage: 'ACCEPTED',
      }),
    );
  }

  regenerateRef(ctx: CallContext, id: string, pose: Pose, promptOverride?: string): Promise<Character> {
    return this.transition(ctx, id, messages.regenerateRef, { pose, promptOverride });
  }

  resynthesize(ctx: CallContext, id: string): Promise<Character> {
    return this.transition(ctx, id, messages.resynthesize, {});
  }

  save(ctx: CallContext, id: string): Promise<Character> {
    return this.transition(ctx, id, messages.save, {});
  }

  update(ctx: CallContext, id: string, change: { name?: string; attributes?: Attributes | null }): Promise<Character> {
    return this.transition(ctx, id, messages.update, change);
  }

  delete(ctx: CallContext, id: string): Promise<messages.DeleteResult> {
    return this.transition(ctx, id, messages.deleteCharacter, {});
  }

  /** The character's audit trail, oldest first, derived from its workflow history. */
  async events(ctx: CallContext, id: string, page: { limit: number; startingAfter?: string }): Promise<{ data: AuditEvent[]; hasMore: boolean }> {
    await this.get(ctx, id);
    const all = await characterEvents(this.client, id);
    const from = page.startingAfter ? all.findIndex((e) => e.id === page.startingAfter) + 1 : 0;
    const data = all.slice(from, from + page.limit);
    return { data, hasMore: from + page.limit < all.length };
  }

  /** The team's characters, newest first (deleted ones never). */
  list(ctx: CallContext, input: ListInput): Promise<Page<Character>> {
    const statuses = input.status ? [input.status] : VISIBLE_STATUSES;
    return newestFirst(this.client, {
      kind: 'character',
      clauses: [
        `WorkflowType = 'characterWorkflow'`,
        `ExecutionStatus = 'Running'`,
        `TeamId = '${ctx.teamId}'`,
        `CharacterStatus IN (${statuses.map((s) => `'${s}'`).join(', ')})`,
      ],
      createdAtAttribute: CharacterCreatedAt.name,
      recordOf: (memo) => memo?.character as Character | undefined,
      limit: input.limit,
      startingAfter: input.startingAfter,
    });
  }
}
