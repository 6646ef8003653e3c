/**
 * What a password people choose must be: long enough, not absurdly long, and not on the list of
 * passwords attackers try first. Checked on the invite and password pages before the password is
 * hashed; only the hash ever reaches a change (src/domain/changes/sign-in-changes.ts).
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import { fail } from '../../errors';
import { hashPassword } from '../secrets';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

/** The ~49 000 most common passwords, shipped inside @zxcvbn-ts/language-common (nothing downloaded). */
const COMMON_PASSWORDS = new Set(dictionary.passwords.map((p) => p.toLowerCase()));

/** Whether a password is in the common-password list (case does not make it less common). */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.normalize('NFKC').toLowerCase());
}

/** Refuses a password that breaks the rules, on the `password` field. */
export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN)
    throw fail.badInput(`Choose a password of at least ${PASSWORD_MIN} characters.`, { field: 'password' });
  if (password.length > PASSWORD_MAX)
    throw fail.badInput(`A password can have at most ${PASSWORD_MAX} characters.`, { field: 'password' });
  if (isCommonPassword(password))
    throw fail.badInput('This password is on a list of common passwords that attackers try first. Choose another.', {
      field: 'password',
    });
}

/**
 * A chosen password, checked, as the store keeps it (scrypt). Hashed before the change that sets it:
 * scrypt takes tens of milliseconds, which must not be spent holding the account lock.
 */
export async function chosenPasswordHash(password: string): Promise<string> {
  checkPassword(password);
  return hashPassword(password);
}
