import { pino, type Logger } from 'pino';

/** Structured JSON logs; credentials are redacted wherever they appear. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers["x-api-key"]', 'headers["x-api-key"]', 'apiKey', 'api_key', '*.apiKey', '*.api_key', 'secret', '*.secret'],
      censor: '[redacted]',
    },
  });
}
export type { Logger };
