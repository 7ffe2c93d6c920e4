/**
 * Logging: pino, to stderr only — stdout is the MCP channel in stdio mode. Secrets are redacted
 * by configuration so a careless log call cannot leak one.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

const REDACT = [
  'apiKey',
  'api_key',
  'token',
  'access_token',
  'refresh_token',
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  '*.apiKey',
  '*.token',
  '*.authorization',
];

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { name: 'g8-mcp-server' },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
