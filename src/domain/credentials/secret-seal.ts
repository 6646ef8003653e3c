/**
 * Sealing a secret: AES-256-GCM under a key derived (HKDF-SHA256, per purpose) from key material.
 * For a reveal link the material is the link's token, of which the store keeps only the SHA-256, so
 * the sealed value cannot be opened from the database alone; for a Slack installation it is
 * ROSTER_SECRET. The row is bound in as associated data, so a sealed value cannot be moved.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** What a key is for: keys of different purposes differ even from the same material. */
export const SEAL_PURPOSE = {
  reveal: 'roster secret reveal v1',
  installation: 'roster slack installation v1',
  webhook: 'roster webhook secret v1',
} as const;
type Purpose = (typeof SEAL_PURPOSE)[keyof typeof SEAL_PURPOSE];

function keyOf(material: string, purpose: Purpose): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(material, 'utf8'), Buffer.alloc(0), purpose, 32));
}

/** `v1.iv.ciphertext.tag`, base64url parts. */
export function sealSecret(secret: string, token: string, boundTo: string, purpose: Purpose = SEAL_PURPOSE.reveal): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(token, purpose), iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, body, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The secret, or null when the token or the binding does not match (or the value was tampered with). */
export function openSealed(
  sealed: string,
  token: string,
  boundTo: string,
  purpose: Purpose = SEAL_PURPOSE.reveal,
): string | null {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(token, purpose), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
