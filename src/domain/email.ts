/** E-mail addresses as the directory stores them: trimmed and lower-cased. */
import { z } from 'zod';

const emailSchema = z.email();

/** The stored form of an address. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Whether a (normalised) address is well-formed. */
export function isValidEmail(email: string): boolean {
  return email.length <= 254 && emailSchema.safeParse(email).success;
}

/** Splits an admin's list of addresses on commas and whitespace. */
export function splitEmailList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map(normaliseEmail)
    .filter((email) => email.length > 0);
}
