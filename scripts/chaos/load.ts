/**
 * Virtual clients: each drives its team's characters through every route, and submits and cancels
 * image generations (with one of its ready characters or none), with an
 * Idempotency-Key on every write, and retries a call that got no definitive answer (a dropped
 * connection, a 5xx) with the same key against the other API process, as a careful client would.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { POSES } from '../../domain/character.js';

export interface LoadStats {
  operations: Record<string, number>;
  statuses: Record<string, number>;
  serverErrors: number;
  /** 500 answers: the contract has none, whatever fails behind the API. */
  internalErrors: number;
  connectionErrors: number;
  retries: number;
  gaveUp: number;
  unexpected: string[];
  /** When each operation began (epoch ms): the rate it was sustained at, window by window. */
  startedAt: number[];
  /** The same for the writes among them (every operation but get, list and getImage). */
  writesStartedAt: number[];
}

export function newStats(): LoadStats {
  return { operations: {}, statuses: {}, serverErrors: 0, internalErrors: 0, connectionErrors: 0, retries: 0, gaveUp: 0, unexpected: [], startedAt: [], writesStartedAt: [] };
}

interface Known {
  deletedByMe: boolean;
  status: string;
}

/** A generation this client got a 201 for, as it last saw it. */
export interface KnownImage {
  status: string;
  withCharacter: boolean;
  tier: '2k' | '4k';
}

type Op = 'create' | 'get' | 'list' | 'regenerate' | 'resynthesize' | 'save' | 'patch' | 'delete' | 'image' | 'getImage' | 'cancelImage' | 'listImages' | 'getFile' | 'balance';
const WEIGHTS: [Op, number][] = [
  ['create', 3],
  ['get', 4],
  ['list', 1],
  ['regenerate', 3],
  ['resynthesize', 1],
  ['save', 2],
  ['patch', 2],
  ['delete', 1],
  ['image', 3],
  ['getImage', 1],
  ['cancelImage', 1],
];

const READS = new Set<Op>(['get', 'list', 'getImage', 'listImages', 'getFile', 'balance']);

const PROMPTS = ['on a beach at sunset', 'in a rainy city at night', 'in a snowy forest', 'on a mountain under the stars', 'in a field of flowers'];
const SIZES = ['2k_1_1', '2k_16_9', '2k_3_4', '4k_1_1'] as const;

function parseBody(text: string): any {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function pickOp(): Op {
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let roll = Math.random() * total;
  for (const [op, weight] of WEIGHTS) if ((roll -= weight) < 0) return op;
  return 'get';
}

/** What every virtual client shares: calls that retry like a careful client, and the counts. */
abstract class ApiCaller {
  private turn = Math.floor(Math.random() * 2);

  constructor(
    protected readonly apiKey: string,
    protected readonly urls: string[],
    protected readonly stats: LoadStats,
  ) {}

  /** One call to a definitive answer (2xx or 4xx), or undefined if none came before `deadline`. */
  protected async call(method: string, path: string, body: unknown, deadline: number): Promise<{ status: number; body: any } | undefined> {
    const key = method === 'GET' ? undefined : randomUUID();
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (attempt > 0) {
        this.stats.retries++;
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
      // A file URL is absolute; anything else goes to the API processes in turn.
      const url = path.startsWith('http') ? path : `${this.urls[this.turn++ % this.urls.length]!}${path}`;
      try {
        const response = await fetch(url, {
          method,
          headers: {
            'X-Api-Key': this.apiKey,
            ...(key ? { 'Idempotency-Key': key } : {}),
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = response.headers.get('content-type')?.startsWith('application/json') || response.status >= 300 ? await response.text() : '';
        if (!text) await response.arrayBuffer();
        this.stats.statuses[response.status] = (this.stats.statuses[response.status] ?? 0) + 1;
        if (response.status >= 500) {
          this.stats.serverErrors++;
          if (response.status === 500 && this.stats.unexpected.length < 50) this.stats.unexpected.push(`${method} ${path} → 500 ${text.slice(0, 200)}`);
          if (response.status === 500) this.stats.internalErrors++;
          continue;
        }
        return { status: response.status, body: parseBody(text) };
      } catch {
        this.stats.connectionErrors++;
      }
    }
    this.stats.gaveUp++;
    return undefined;
  }

  protected count(op: Op): void {
    this.stats.operations[op] = (this.stats.operations[op] ?? 0) + 1;
    this.stats.startedAt.push(Date.now());
    if (!READS.has(op)) this.stats.writesStartedAt.push(Date.now());
  }

  protected expect(condition: boolean, what: string): void {
    if (!condition && this.stats.unexpected.length < 50) this.stats.unexpected.push(what);
  }

}

export class VirtualClient extends ApiCaller {
  readonly characters = new Map<string, Known>();
  readonly images = new Map<string, KnownImage>();

  constructor(
    readonly teamId: string,
    apiKey: string,
    urls: string[],
    stats: LoadStats,
    /** Poll like a client waiting for its result: GET every second while synthesizing or generating. */
    private readonly polls = false,
  ) {
    super(apiKey, urls, stats);
  }

  /** GETs `path` about once a second while `busy` holds for its answer, up to 30 s; the last answer. */
  private async pollWhile(op: 'get' | 'getImage', path: string, busy: (body: any) => boolean, deadline: number): Promise<any> {
    const until = Math.min(deadline, Date.now() + 30_000);
    for (;;) {
      await sleep(800 + Math.random() * 400);
      if (Date.now() >= until) return undefined;
      this.count(op);
      const answer = await this.call('GET', path, undefined, deadline);
      this.expect(!answer || answer.status === 200, `poll ${path} → ${answer?.status} ${JSON.stringify(answer?.body)}`);
      if (answer?.status !== 200) return undefined;
      if (!busy(answer.body)) return answer.body;
    }
  }

  private async pollCharacter(id: string, deadline: number): Promise<void> {
    if (!this.polls) return;
    const last = await this.pollWhile('get', `/v1/characters/${id}`, (c) => c.status === 'synthesizing', deadline);
    const known = this.characters.get(id);
    if (last && known) known.status = last.status;
  }

  private live(): string[] {
    return [...this.characters].filter(([, c]) => !c.deletedByMe).map(([id]) => id);
  }

  async step(deadline: number): Promise<void> {
    let op = pickOp();
    const live = this.live();
    if (live.length === 0 && op !== 'image' && op !== 'list') op = 'create';
    if ((op === 'getImage' || op === 'cancelImage') && this.images.size === 0) op = 'image';
    if (op === 'image' || op === 'getImage' || op === 'cancelImage') return this.imageStep(op, deadline);
    if (op === 'create' && live.length > 12) op = 'delete';
    return this.characterStep(op, pick(live), deadline);
  }

  private async characterStep(op: Exclude<Op, 'image' | 'getImage' | 'cancelImage'>, id: string, deadline: number): Promise<void> {
    this.count(op);
    const known = this.characters.get(id);
    let answer;
    switch (op) {
      case 'create':
        answer = await this.call('POST', '/v1/characters', { name: `chaos ${randomUUID().slice(0, 8)}`, generate: true, attributes: { hair_color: pick(['black', 'red', 'blonde']), eye_color: pick(['blue', 'green']) } }, deadline);
        if (answer?.status === 201) this.characters.set(answer.body.id, { deletedByMe: false, status: answer.body.status });
        this.expect(!answer || answer.status === 201, `create → ${answer?.status} ${JSON.stringify(answer?.body)}`);
        if (answer?.status === 201) await this.pollCharacter(answer.body.id, deadline);
        return;
      case 'get':
        answer = await this.call('GET', `/v1/characters/${id}`, undefined, deadline);
        this.expect(!answer || answer.status === 200, `get ${id} → ${answer?.status}`);
        if (answer?.status === 200 && known) known.status = answer.body.status;
        return;
      case 'list':
        answer = await this.call('GET', '/v1/characters?limit=20', undefined, deadline);
        this.expect(!answer || answer.status === 200, `list → ${answer?.status}`);
        return;
      case 'regenerate':
        answer = await this.call('POST', `/v1/characters/${id}/refs/regenerate`, { pose: pick([...POSES]) }, deadline);
        break;
      case 'resynthesize':
        answer = await this.call('POST', `/v1/characters/${id}/resynthesize`, {}, deadline);
        break;
      case 'save':
        answer = await this.call('POST', `/v1/characters/${id}/save`, undefined, deadline);
        break;
      case 'patch':
        answer = await this.call('PATCH', `/v1/characters/${id}`, { name: `renamed ${randomUUID().slice(0, 8)}` }, deadline);
        this.expect(!answer || answer.status === 200, `patch ${id} → ${answer?.status}`);
        break;
      case 'delete':
        answer = await this.call('DELETE', `/v1/characters/${id}`, undefined, deadline);
        this.expect(!answer || answer.status === 200, `delete ${id} → ${answer?.status} ${JSON.stringify(answer?.body)}`);
        if (answer?.status === 200 && known) known.deletedByMe = true;
        return;
    }
    // A transition may be refused for the status the character is in; anything else is a finding.
    this.expect(!answer || answer.status === 200 || (answer.status === 400 && answer.body?.error?.code === 'invalid_state'), `${op} ${id} → ${answer?.status} ${JSON.stringify(answer?.body)}`);
    if (answer?.status === 200 && known) known.status = answer.body.status;
    if (answer?.status === 200 && answer.body.status === 'synthesizing') await this.pollCharacter(id, deadline);
  }

  /** One of this client's characters that is ready, saving one first (as a user must) when none is. */
  private async readyCharacter(deadline: number): Promise<string | undefined> {
    const isReady = (id: string) => this.characters.get(id)!.status === 'ready';
    const ready = this.live().filter(isReady);
    if (ready.length) return pick(ready);
    const candidate = pick(this.live().filter((id) => this.characters.get(id)!.status !== 'failed'));
    if (!candidate) return undefined;
    await this.characterStep('save', candidate, deadline);
    return isReady(candidate) ? candidate : undefined;
  }

  /**
   * A generation: anchored on a ready character of this client more often than not, of 1–4
   * outputs, some 4k; a quarter are cancelled right after their 201, while they still run, and
   * others later, picked among those last seen pending or processing.
   */
  private async imageStep(op: 'image' | 'getImage' | 'cancelImage', deadline: number): Promise<void> {
    this.count(op);
    const running = [...this.images].filter(([, i]) => i.status === 'pending' || i.status === 'processing').map(([id]) => id);
    const id = op === 'image' ? await this.submitImage(deadline) : pick(op === 'cancelImage' && running.length ? running : [...this.images.keys()]);
    if (!id) return;
    if (op === 'image' && Math.random() >= 0.25) {
      if (this.polls) {
        const last = await this.pollWhile('getImage', `/v1/images/${id}`, (i) => i.status === 'pending' || i.status === 'processing', deadline);
        if (last) this.images.get(id)!.status = last.status;
      }
      return;
    }
    const cancel = op !== 'getImage';
    if (op === 'image') this.count('cancelImage');
    const answer = await this.call(cancel ? 'POST' : 'GET', `/v1/images/${id}${cancel ? '/cancel' : ''}`, undefined, deadline);
    const fine = !answer || answer.status === 200 || (cancel && answer.body?.error?.code === 'generation_not_cancellable');
    this.expect(fine, `${cancel ? 'cancel' : 'get'} ${id} → ${answer?.status} ${JSON.stringify(answer?.body)}`);
    if (answer?.status === 200) this.images.get(id)!.status = answer.body.status;
  }

  /** Submits one generation; its id when it was accepted (201). */
  private async submitImage(deadline: number): Promise<string | undefined> {
    const characterId = Math.random() < 0.6 ? await this.readyCharacter(deadline) : undefined;
    const size = pick([...SIZES]);
    const answer = await this.call('POST', '/v1/images', { prompt: pick(PROMPTS), count: 1 + Math.floor(Math.random() * 4), size, ...(characterId ? { character_id: characterId } : {}) }, deadline);
    // The character may have left ready (a regenerate of its own client) since it was last seen.
    this.expect(!answer || answer.status === 201 || answer.body?.error?.code === 'character_not_ready', `image → ${answer?.status} ${JSON.stringify(answer?.body)}`);
    if (answer?.status !== 201) return undefined;
    this.images.set(answer.body.id, { status: answer.body.status, withCharacter: Boolean(characterId), tier: size.startsWith('4k') ? '4k' : '2k' });
    return answer.body.id;
  }

  async run(running: () => boolean, drainDeadline: () => number): Promise<void> {
    while (running()) {
      await this.step(drainDeadline());
      await sleep(20 + Math.random() * 80);
    }
  }
}

/** Operations per second: over the whole run, and in its slowest full window of `windowMs`. */
export function rates(startedAt: readonly number[], runStartedAt: number, durationMs: number, windowMs: number): { mean: number; slowestWindow: number; perWindow: number[] } {
  const inRun = startedAt.filter((t) => t >= runStartedAt && t < runStartedAt + durationMs);
  const windows = new Array<number>(Math.max(1, Math.floor(durationMs / windowMs))).fill(0);
  for (const t of inRun) {
    const i = Math.floor((t - runStartedAt) / windowMs);
    if (i < windows.length) windows[i]!++;
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return { mean: round(inRun.length / (durationMs / 1000)), slowestWindow: round(Math.min(...windows) / (windowMs / 1000)), perWindow: windows.map((n) => round(n / (windowMs / 1000))) };
}

/**
 * A team's read-only client, as a dashboard or the review console is: lists the team's characters
 * and generations, opens one, fetches its images, checks the balance, a few times a second. Every
 * read must answer 200 (404 for what was deleted since the list) through any fault that leaves
 * Temporal up: reads never wait for a worker.
 */
export class ReaderClient extends ApiCaller {
  private characterIds: string[] = [];
  private imageIds: string[] = [];
  private fileUrls: string[] = [];

  private async read(op: Op, path: string, deadline: number, found: (status: number) => boolean = (status) => status === 200): Promise<any> {
    this.count(op);
    const answer = await this.call('GET', path, undefined, deadline);
    this.expect(!answer || found(answer.status), `${op} ${path.slice(0, 120)} → ${answer?.status} ${JSON.stringify(answer?.body)?.slice(0, 200)}`);
    return answer?.status === 200 ? answer.body : undefined;
  }

  async step(deadline: number): Promise<void> {
    const roll = Math.random();
    if (roll < 0.15 || this.characterIds.length === 0) {
      const page = await this.read('list', '/v1/characters?limit=20', deadline);
      if (page) this.characterIds = page.data.map((c: { id: string }) => c.id);
    } else if (roll < 0.5) {
      const character = await this.read('get', `/v1/characters/${pick(this.characterIds)}`, deadline, (status) => status === 200 || status === 404);
      if (character) this.fileUrls = character.refs.map((r: { url: string }) => r.url);
    } else if (roll < 0.6) {
      const page = await this.read('listImages', '/v1/images?limit=20', deadline);
      if (page) this.imageIds = page.data.map((i: { id: string }) => i.id);
    } else if (roll < 0.75 && this.imageIds.length) {
      const image = await this.read('getImage', `/v1/images/${pick(this.imageIds)}`, deadline);
      if (image?.output_urls.length) this.fileUrls = image.output_urls;
    } else if (roll < 0.9 && this.fileUrls.length) {
      // A ref of a character deleted since is gone (404); anything else must be served.
      await this.read('getFile', pick(this.fileUrls), deadline, (status) => status === 200 || status === 404);
    } else {
      await this.read('balance', '/v1/balance', deadline);
    }
  }

  async run(running: () => boolean, drainDeadline: () => number): Promise<void> {
    while (running()) {
      await this.step(drainDeadline());
      await sleep(150 + Math.random() * 250);
    }
  }
}
