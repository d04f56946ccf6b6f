/**
 * The operator CLI (README, "Operating it"): `npm run admin -- <noun> <verb> [--flags]`. JSON on stdout,
 * errors on stderr, non-zero exit on failure. Talks to the same Temporal the API uses.
 */
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { CHARACTER_ID_PATTERN, ID_PREFIX, IMAGE_ID_PATTERN, TEAM_ID_PATTERN } from '../domain/ids.js';
import { characterEvents } from '../api/use-cases/character-trail.js';
import { imageEvents } from '../api/use-cases/image-trail.js';
import { VERSION_PATTERN, isSupportedVersion } from '../domain/versions.js';
import { loadConfig } from '../platform/config.js';
import { Tenancy } from '../api/use-cases/tenancy.js';

const USAGE = `usage: npm run admin -- <command>
  team create --name NAME [--credits N] [--version YYYY-MM-DD]
  team list
  key create --team TEAM_ID
  key revoke --key API_KEY
  credits grant --team TEAM_ID --amount N
  credits show --team TEAM_ID
  character history CHARACTER_ID        (its audit trail, deleted characters too)
  image history IMAGE_ID                (a generation's audit trail: outputs, cancels, credits)`;

class UsageError extends Error {}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`--${flag} is required`);
  return value;
}

function teamId(value: string | undefined): string {
  const id = required(value, 'team');
  if (!TEAM_ID_PATTERN.test(id)) throw new UsageError(`--team must be a team id (${ID_PREFIX.team}…), got ${id}`);
  return id;
}

function count(value: string | undefined, flag: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(required(value, flag));
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000_000) throw new UsageError(`--${flag} must be a whole number ≥ 0`);
  return n;
}

async function run(argv: string[], tenancy: Tenancy, client: Client): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      credits: { type: 'string' },
      version: { type: 'string' },
      team: { type: 'string' },
      key: { type: 'string' },
      amount: { type: 'string' },
    },
  });
  const command = positionals.slice(0, 2).join(' ');
  switch (command) {
    case 'character history': {
      const id = positionals[2];
      if (!id || !CHARACTER_ID_PATTERN.test(id)) throw new UsageError(`character history needs a character id (${ID_PREFIX.character}…)`);
      return { character_id: id, events: await characterEvents(client, id) };
    }
    case 'image history': {
      const id = positionals[2];
      if (!id || !IMAGE_ID_PATTERN.test(id)) throw new UsageError(`image history needs an image id (${ID_PREFIX.image}…)`);
      return { image_id: id, events: await imageEvents(client, id) };
    }
    case 'team create': {
      const version = values.version ?? null;
      if (version && (!VERSION_PATTERN.test(version) || !isSupportedVersion(version))) throw new UsageError(`unsupported --version ${version}`);
      const team = await tenancy.createTeam({ name: required(values.name, 'name'), credits: count(values.credits, 'credits', 0), version });
      return { team_id: team.teamId, api_key: team.apiKey };
    }
    case 'team list':
      return { teams: await tenancy.listTeams() };
    case 'key create':
      return { api_key: await tenancy.createKey(teamId(values.team)) };
    case 'key revoke':
      return { revoked: await tenancy.revokeKey(required(values.key, 'key')) };
    case 'credits grant': {
      const id = teamId(values.team);
      return { team_id: id, credits: await tenancy.grant(id, count(values.amount, 'amount')) };
    }
    case 'credits show': {
      const id = teamId(values.team);
      return { team_id: id, credits: (await tenancy.team(id)).credits };
    }
    default:
      throw new UsageError(command ? `unknown command: ${command}` : 'no command given');
  }
}

const config = loadConfig();
const connection = await Connection.connect({ address: config.temporalAddress }).catch((err: Error) => {
  console.error(`cannot reach Temporal at ${config.temporalAddress}: ${err.message}`);
  process.exit(1);
});
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const tenancy = new Tenancy({ client, taskQueue: config.TEMPORAL_TASK_QUEUE });
try {
  console.log(JSON.stringify(await run(process.argv.slice(2), tenancy, client)));
  process.exitCode = 0;
} catch (err) {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(err as Error).message}\n${USAGE}`);
  } else if (err instanceof WorkflowNotFoundError) {
    console.error('no such team');
  } else {
    console.error((err as Error).message);
  }
  process.exitCode = 1;
} finally {
  await connection.close();
}
