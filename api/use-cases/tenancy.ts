/**
 * Teams, API keys and credits, as their workflows hold them. Shared by the admin CLI, the start
 * command's development team, the API's authentication and the tests. Reads come from the
 * workflows' memos (no worker needed); runs that predate memos are queried.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { API_KEY_PREFIX, apiKeyWorkflowId } from '../../domain/ids.js';
import { newId } from '../../domain/new-id.js';
import { type ApiKeyRecord, type Team, getApiKey, getTeam, grantCredits, revokeApiKey } from '../../domain/messages.js';
import { TeamId } from '../../domain/search-attributes.js';
import { memoOf } from './workflow-calls.js';

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export interface TenancyOptions {
  client: Client;
  taskQueue: string;
}

export class Tenancy {
  constructor(private readonly options: TenancyOptions) {}

  private get client(): Client {
    return this.options.client;
  }

  async createTeam(input: { name: string; credits: number; version?: string | null }): Promise<{ teamId: string; apiKey: string }> {
    const teamId = newId('team');
    const team: Team = { teamId, name: input.name, version: input.version ?? null, credits: 0, createdAt: new Date().toISOString() };
    await this.client.workflow.start('teamWorkflow', {
      workflowId: teamId,
      taskQueue: this.options.taskQueue,
      args: [{ team }],
      memo: { team },
      typedSearchAttributes: [{ key: TeamId, value: teamId }],
      staticSummary: `Credit ledger of team "${input.name}"`,
    });
    if (input.credits > 0) await this.grant(teamId, input.credits, `initial grant ${teamId}`);
    const apiKey = await this.createKey(teamId);
    return { teamId, apiKey };
  }

  async createKey(teamId: string): Promise<string> {
    await this.team(teamId);
    const apiKey = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
    const record: ApiKeyRecord = { teamId, revoked: false, createdAt: new Date().toISOString() };
    await this.client.workflow.start('apiKeyWorkflow', {
      workflowId: apiKeyWorkflowId(hashApiKey(apiKey)),
      taskQueue: this.options.taskQueue,
      args: [record],
      memo: { apiKey: record },
      typedSearchAttributes: [{ key: TeamId, value: teamId }],
      staticSummary: `API key of ${teamId} (named by its SHA-256)`,
    });
    return apiKey;
  }

  /** True when the key existed and is now revoked. */
  async revokeKey(apiKey: string): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(apiKeyWorkflowId(hashApiKey(apiKey))).executeUpdate(revokeApiKey);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** The live record behind a presented key, or null for an unknown or revoked one. */
  async resolveKey(apiKey: string): Promise<ApiKeyRecord | null> {
    if (!apiKey.startsWith(API_KEY_PREFIX)) return null;
    try {
      const handle = this.client.workflow.getHandle(apiKeyWorkflowId(hashApiKey(apiKey)));
      // Revoking completes the key's workflow: only a running one is a live key.
      const { value, running } = await memoOf<ApiKeyRecord>(handle, 'apiKey');
      if (!running) return null;
      const record = value ?? (await handle.query(getApiKey));
      return record.revoked ? null : record;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  async team(teamId: string): Promise<Team> {
    const handle = this.client.workflow.getHandle(teamId);
    return (await memoOf<Team>(handle, 'team')).value ?? (await handle.query(getTeam));
  }

  /** Adds credits; `entryId` makes a retried grant a no-op. */
  async grant(teamId: string, amount: number, entryId = newId('grant')): Promise<number> {
    return this.client.workflow
      .getHandle(teamId)
      .executeUpdate(grantCredits, { args: [{ entryId, amount, reason: 'grant' }], updateId: entryId });
  }

  async listTeams(): Promise<Team[]> {
    const teams: Team[] = [];
    for await (const info of this.client.workflow.list({ query: `WorkflowType = 'teamWorkflow' AND ExecutionStatus = 'Running'` })) {
      teams.push(await this.team(info.workflowId));
    }
    return teams;
  }

  async countTeams(): Promise<number> {
    const { count } = await this.client.workflow.count(`WorkflowType = 'teamWorkflow' AND ExecutionStatus = 'Running'`);
    return count;
  }
}
