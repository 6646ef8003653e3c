/**
 * Credentials' shapes and constants: key and passcode prefixes and tenures. The port that tells a
 * holder their new secret is `HolderMessenger` in src/domain/ports.ts. Issuing them is a change
 * (src/domain/changes/credential-changes.ts).
 */

/** The port, still importable from here (the change layer and the sign-in service name it from this file). */
export type { HolderMessenger } from '../ports';

/** API keys look like `rk_…`. */
export const API_KEY_PREFIX = 'rk_';
export const PASSCODE_PREFIX = 'rp_';
/** How long a passcode may be valid, in days; commands write them `1d`, `7d`, …. */
export const TENURES = [1, 7, 30, 90] as const;

/** A tenure as a command writes it: `7d`. */
export function tenureWord(days: number): string {
  return `${days}d`;
}

/** The tenure a command's `7d` means, or `undefined`. */
export function tenureFromWord(word: string): number | undefined {
  return TENURES.find((days) => tenureWord(days) === word.toLowerCase());
}

/** The refusal of any other tenure. */
export const TENURE_RULE = `The tenure must be ${TENURES.slice(0, -1).map(tenureWord).join(', ')} or ${tenureWord(TENURES.at(-1) ?? 0)}`;

export interface IssuedSecret {
  email: string;
  /** Whether the holder was sent it (and it replaced their current one); if not, their current one still works. */
  delivered: boolean;
  /** By Slack DM, or by e-mail as a single-use reveal link (until `revealExpiresAt`). */
  via?: 'slack' | 'email';
  revealExpiresAt?: Date;
  problem?: string;
  prefix?: string;
  expiresAt?: Date;
}
