/** pino, with every field that can hold a secret redacted wherever it appears. */
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'token',
  'password',
  'passcode',
  'apiKey',
  'link',
  'url',
  'secret',
  '*.token',
  '*.password',
  '*.passcode',
  '*.apiKey',
  '*.link',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'config.slack',
  'config.linkSecret',
  'config.smtpUrl',
  'config.databaseUrl',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
