/** A small HTTP client for tests: JSON in, status + headers + parsed body out. */
import assert from 'node:assert/strict';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey?: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(path.startsWith('http') ? path : `${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.apiKey ? { 'X-Api-Key': this.apiKey } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      // Bytes are sent as they are, so tests can send bodies that are not UTF-8.
      body: body === undefined ? undefined : typeof body === 'string' ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }

  /** Polls a character until `done` holds (or fails after `timeoutMs`). */
  async waitFor(id: string, done: (character: any) => boolean, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: ApiResponse | undefined;
    while (Date.now() < deadline) {
      last = await this.get(`/v1/characters/${id}`);
      if (last.status === 200 && done(last.body)) return last.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`character ${id} did not reach the expected state; last answer ${last?.status} ${last?.text}`);
  }

  /** Polls an image generation until it is succeeded, failed or cancelled. */
  async imageSettled(id: string, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: ApiResponse | undefined;
    while (Date.now() < deadline) {
      last = await this.get(`/v1/images/${id}`);
      if (last.status === 200 && ['succeeded', 'failed', 'cancelled'].includes(last.body.status)) return last.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`image ${id} did not finish; last answer ${last?.status} ${last?.text}`);
  }

  settled(id: string, timeoutMs?: number) {
    return this.waitFor(id, (c) => c.status !== 'synthesizing', timeoutMs);
  }
}

/** `answer` is the contract's error envelope with this status, code and param, and no stack trace. */
export function assertEnvelope(answer: ApiResponse, status: number, code: string, param?: string): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.body.error.code, code, answer.text);
  assert.equal(answer.body.error.type, status === 401 ? 'authentication_error' : 'invalid_request_error');
  assert.equal(answer.body.error.param, param, answer.text);
  assert.equal(answer.headers.get('aurous-request-id'), answer.body.error.request_id);
  assert.ok(answer.body.error.message.length > 10);
  assert.ok(!/at .*\.ts:\d+/.test(answer.text), 'no stack trace');
}
