import { describe, expect, it } from 'vitest';
import { openSealed, sealSecret } from '../../src/domain/credentials/secret-seal';
import { hashToken, randomToken } from '../../src/domain/secrets';

describe('sealing a secret for a reveal link', () => {
  const token = randomToken();
  const sealed = sealSecret('rk_the-secret', token, 'row-1');

  it('opens with the link token and the row it is bound to', () => {
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('the-secret');
    expect(openSealed(sealed, token, 'row-1')).toBe('rk_the-secret');
  });

  it('does not open with the stored hash, another token, another row, or after tampering', () => {
    expect(openSealed(sealed, hashToken(token), 'row-1')).toBeNull();
    expect(openSealed(sealed, randomToken(), 'row-1')).toBeNull();
    expect(openSealed(sealed, token, 'row-2')).toBeNull();
    const [v, iv, body, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    expect(openSealed([v, iv, flipped, tag].join('.'), token, 'row-1')).toBeNull();
    expect(openSealed('v0.a.b.c', token, 'row-1')).toBeNull();
  });

  it('seals the same secret differently each time', () => {
    expect(sealSecret('rk_the-secret', token, 'row-1')).not.toBe(sealed);
  });
});
