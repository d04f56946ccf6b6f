/**
 * Human-readable log lines for a terminal: `12:00:01 INFO  api  GET /v1/characters → 200 (4 ms)`,
 * other fields as key=value. Used only when stdout is a TTY; pipes and files keep pino's JSON.
 */
const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '90'],
  20: ['DEBUG', '90'],
  30: ['INFO ', '32'],
  40: ['WARN ', '33'],
  50: ['ERROR', '31'],
  60: ['FATAL', '35'],
};
// pino's own fields, shown in the prefix or not at all.
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

function value(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One pino JSON record as one coloured line (with the error's stack under it, if any). */
export function formatLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json);
  } catch {
    return json;
  }
  const [label, color] = LEVELS[record.level as number] ?? ['LOG  ', '0'];
  const time = new Date(record.time as number).toTimeString().slice(0, 8);
  const fields = { ...record };
  let message = String(record.msg ?? '');
  if (message === 'request' && record.method) {
    message = `${record.method} ${record.path} → ${record.status} (${Math.round(Number(record.ms))} ms)`;
    for (const key of ['method', 'path', 'status', 'ms']) delete fields[key];
  }
  const err = fields.err as { stack?: string } | undefined;
  delete fields.err;
  const rest = Object.entries(fields)
    .filter(([key, v]) => !HIDDEN.has(key) && v !== undefined)
    .map(([key, v]) => `\x1b[2m${key}=\x1b[0m${value(v)}`)
    .join(' ');
  return `\x1b[2m${time}\x1b[0m \x1b[${color}m${label}\x1b[0m \x1b[36m${record.name ?? ''}\x1b[0m ${message}${rest ? ` ${rest}` : ''}\n${err?.stack ? `${err.stack}\n` : ''}`;
}
