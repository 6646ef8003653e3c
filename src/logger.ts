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
  'config.rosterSecret',
  'config.previousRosterSecret',
  'config.smtpUrl',
  'config.databaseUrl',
];

/** Secrets by their shape, for text Roster does not structure itself (Bolt's and the Web API client's messages). */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(?:rk|rp|rs)_[A-Za-z0-9_-]{8,}/g, '[redacted]'], // Roster API keys, passcodes and SCIM tokens
  [/\bx(?:ox[abprse]|app)-[A-Za-z0-9-]+/g, '[redacted]'], // Slack tokens
  [/(\/|%2F)(invite|password|reveal)(\/|%2F)[A-Za-z0-9_-]{16,}/gi, '$1$2$3[redacted]'], // invite, password and reveal links, also URL-encoded
  [/(password|passcode|token|apiKey|secret)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi, '$1$2[redacted]'], // key=value pairs in bodies
  [/(oauth_redirect\?(?:[^\s"']*&)?code=)[^&\s"']+/gi, '$1[redacted]'], // the OAuth code in the install redirect
];

/** Replaces anything shaped like a secret with `[redacted]`. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        // Messages are scrubbed too: structured fields are covered by `redact`, free text by shape.
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
