import { type DestinationStream, pino, type Logger } from 'pino';
import { formatLogLine } from './log-format.js';

/** Formats each JSON line for a person reading a terminal (`npm start`). */
const terminal: DestinationStream = { write: (line: string) => void process.stdout.write(formatLogLine(line)) };

/**
 * Structured logs; credentials are redacted wherever they appear. JSON lines, except on a
 * terminal, where the same records are formatted for reading.
 */
export function createLogger(level: string, name: string): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: ['req.headers["x-api-key"]', 'headers["x-api-key"]', 'apiKey', 'api_key', '*.apiKey', '*.api_key', 'secret', '*.secret'],
      censor: '[redacted]',
    },
  };
  return process.stdout.isTTY ? pino(options, terminal) : pino(options);
}
export type { Logger };
