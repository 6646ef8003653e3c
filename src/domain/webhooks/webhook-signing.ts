/**
 * Webhook signing secrets and signatures. A secret is `whsec_` and 32 random bytes in base64, as the
 * Standard Webhooks specification gives them; the `standardwebhooks` package signs with it
 * (HMAC-SHA256 over `id.timestamp.body`). Roster must open a secret to sign, so it cannot keep only a
 * hash: the secret is sealed (AES-256-GCM) under a key derived from ROSTER_SECRET, bound to its endpoint.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { openSealed, SEAL_PURPOSE, sealSecret } from '../credentials/secret-seal';
import type { WebhookMessage } from './webhook-events';

const SECRET_PREFIX = 'whsec_';

/** A new signing secret. */
export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** What `list` shows of a secret: enough to tell two apart. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, SECRET_PREFIX.length + 4)}…`;
}

/**
 * Seals and opens secrets under the deployment's keys: the first key seals, any of them opens (the
 * previous ROSTER_SECRET while moving to a new one).
 */
export interface SecretKeys {
  seal(secret: string, endpointId: string): string;
  open(sealed: string, endpointId: string): string | null;
}

/** Secret keys from key material, the current first. */
export function secretKeys(materials: readonly string[]): SecretKeys {
  const [current] = materials;
  if (!current) throw new Error('webhook secrets need a key (ROSTER_SECRET or the Slack signing secret)');
  return {
    seal: (secret, endpointId) => sealSecret(secret, current, endpointId, SEAL_PURPOSE.webhook),
    open(sealed, endpointId) {
      for (const material of materials) {
        const secret = openSealed(sealed, material, endpointId, SEAL_PURPOSE.webhook);
        if (secret) return secret;
      }
      return null;
    },
  };
}

/** The Standard Webhooks headers of `message` sent at `now`, signed with `secret`. */
export function signedHeaders(secret: string, message: WebhookMessage, now: Date): Record<string, string> {
  const timestamp = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': message.id,
    'webhook-timestamp': String(timestamp.getTime() / 1000),
    'webhook-signature': new Webhook(secret).sign(message.id, timestamp, message.body),
  };
}
