// The public API as the console uses it: the key from sessionStorage in X-Api-Key, every error as
// the contract's message. The key never goes into a URL, a cookie or a log.
const KEY = 'aurous.apiKey';

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `The API answered ${status}.`);
    this.status = status;
    this.code = error?.code;
    this.requestId = error?.request_id;
  }
}

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  signIn(key) {
    sessionStorage.setItem(KEY, key);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
  },
};

/** One call; writes carry an Idempotency-Key so a retried click never pays twice. */
export async function api(method, path, body) {
  const headers = { 'X-Api-Key': session.key ?? '' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['Idempotency-Key'] = crypto.randomUUID();
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, { message: 'The API cannot be reached; check that it is running.' });
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) session.signOut();
    throw new ApiError(response.status, payload?.error);
  }
  return payload;
}

/** The upload flow: a ticket, the bytes to its signed URL (no key), then the character. */
export async function createFromFiles(name, files) {
  const ids = [];
  for (const file of files) {
    const extension = file.name.split('.').pop().toLowerCase();
    const ticket = await api('POST', '/v1/characters/uploads/init', { filename: file.name.slice(-120), extension, content_type: file.type });
    const response = await fetch(ticket.upload_url, { method: 'PUT', headers: ticket.upload_headers, body: file, credentials: 'omit' });
    if (!response.ok) throw new ApiError(response.status, (await response.json().catch(() => null))?.error);
    ids.push(ticket.upload_id);
  }
  return api('POST', '/v1/characters', { name, upload_ids: ids });
}
