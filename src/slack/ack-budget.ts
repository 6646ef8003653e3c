/**
 * Slack wants a request acknowledged within 3 s. Finding its installation and its account needs the
 * store; a store that swallows packets makes a connection attempt wait longer than that, so each lookup
 * gets a budget, after which it counts as the store being unreachable and the user is told in time.
 */
import { storeUnreachableError } from '../store/store-unreachable';

/** How long one lookup (the installation, the account) may take. */
export const LOOKUP_BUDGET_MS = 2_000;

/** The lookup, or a store_unreachable error once it has taken `LOOKUP_BUDGET_MS`. */
export async function withinAckBudget<T>(lookup: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(storeUnreachableError()), LOOKUP_BUDGET_MS);
  });
  // A lookup that fails after the budget has nobody left to tell.
  lookup.catch(() => undefined);
  try {
    return await Promise.race([lookup, late]);
  } finally {
    clearTimeout(timer);
  }
}
