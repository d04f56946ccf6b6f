/** The HTTP server around the app: timeouts, and errors Node answers before Express sees the request. */
import { type Server, createServer } from 'node:http';
import type { Express } from 'express';
import { newId } from '../domain/new-id.js';
import { ApiError } from './errors.js';

const PARSER_ERRORS: Record<string, ApiError> = {
  HPE_HEADER_OVERFLOW: new ApiError(431, 'request_header_fields_too_large', 'The request headers are too large (16 KB at most).'),
};

/** Listens on host:port; malformed requests the HTTP parser refuses still get the error envelope. */
export function listen(app: Express, port: number, host: string): Promise<Server> {
  const server = createServer({ maxHeaderSize: 16 * 1024 }, app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.requestTimeout = 120_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const error = PARSER_ERRORS[err.code ?? ''] ?? new ApiError(400, 'parameter_invalid', 'The HTTP request is malformed.');
    const requestId = newId('request');
    const body = JSON.stringify(error.body(requestId));
    socket.end(
      `HTTP/1.1 ${error.status} ${error.code}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nAurous-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
