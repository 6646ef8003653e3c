/** zod schemas for the values Roster's own buttons carry; a tampered value is refused, not trusted. */

import { z } from 'zod';
import type { ListFilter } from '../../domain/directory/directory-service';
import { fail } from '../../errors';
import { safeJson } from '../safe-json';

const listFilterSchema = z.object({
  text: z.string().max(200).optional(),
  status: z.enum(['invited', 'expired', 'active', 'disabled', 'revoked']).optional(),
  role: z.string().max(100).optional(),
  group: z.string().max(100).optional(),
  page: z.number().int().min(1).max(100_000),
});

export function parseListFilter(value: string | undefined): ListFilter {
  const parsed = listFilterSchema.safeParse(safeJson(value));
  if (!parsed.success) throw fail.badInput('That button is out of date; run `/users list` again.');
  return parsed.data;
}

export function parseButtonEmail(value: string | undefined): string {
  const parsed = z.email().safeParse(value);
  if (!parsed.success) throw fail.badInput('That button is out of date; run `/users show <email>` again.');
  return parsed.data;
}
