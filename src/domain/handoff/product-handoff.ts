/**
 * Straight into the managed product once a user is in: the invite and password pages end by sending
 * the browser to PRODUCT_URL with a one-time code, and the product exchanges the code (with its own
 * API key, at POST /api/v1/auth/exchange) for the user and roles, as /api/v1/auth/verify answers them.
 * A code is random, stored hashed, lives a minute, works once and only in the account that issued it.
 */
import {
  activeUserIdByEmail,
  createProductHandoffCode,
  deleteExpiredProductHandoffCodes,
  isActiveUser,
  takeProductHandoffCode,
} from '../../store/handoff/product-handoff-codes';
import type { Store } from '../../store/tx';
import type { Clock } from '../clock';
import { createHolderReader, type VerifiedHolder } from '../credentials/verified-holder';
import type { MultipleRoles } from '../roles/precedence';
import { hashToken, randomToken } from '../secrets';
import { productRedirect } from './product-url';

/** How long a code works: long enough for a browser to follow a redirect and the product to call back. */
export const HANDOFF_CODE_TTL_SECONDS = 60;

export type ProductHandoff = ReturnType<typeof createProductHandoff>;

/** Builds an account's hand-off to the product; without `productUrl` the pages keep their own ending. */
export function createProductHandoff(deps: {
  prisma: Store;
  accountId: string;
  clock: Clock;
  /** PRODUCT_URL, already checked at start-up (https, or http on loopback). */
  productUrl?: string;
  multipleRoles: MultipleRoles;
}) {
  const { prisma, accountId, clock, productUrl } = deps;
  const holder = createHolderReader({ prisma, multipleRoles: deps.multipleRoles, clock });

  return {
    /**
     * Where to send the browser of the active user with this address: PRODUCT_URL with a new code, or
     * null when there is no PRODUCT_URL (or no such active user). The code is never logged.
     */
    async redirectFor(email: string): Promise<string | null> {
      if (!productUrl) return null;
      const userId = await activeUserIdByEmail(prisma, accountId, email);
      if (!userId) return null;
      const now = clock.now();
      // Issuing sweeps what expired, so the table holds about a minute's codes.
      await deleteExpiredProductHandoffCodes(prisma, now);
      const code = randomToken();
      await createProductHandoffCode(prisma, {
        accountId,
        userId,
        codeHash: hashToken(code),
        expiresAt: new Date(now.getTime() + HANDOFF_CODE_TTL_SECONDS * 1000),
        createdAt: now,
      });
      return productRedirect(productUrl, code);
    },

    /** The user and roles a code was issued for, once: null when it is unknown, used, expired, another account's or its user is no longer active. */
    async exchange(code: string): Promise<VerifiedHolder | null> {
      const userId = await takeProductHandoffCode(prisma, { accountId, codeHash: hashToken(code), now: clock.now() });
      if (!userId || !(await isActiveUser(prisma, accountId, userId))) return null;
      return holder(userId);
    },
  };
}

/** Where a page sends a user's browser once they are in, or null to end on the page itself. */
export type HandOff = (email: string) => Promise<string | null>;

/**
 * The pages' hand-off: none without a ProductHandoff; a failure to issue a code is reported (never with
 * the code) and the page ends as it would without PRODUCT_URL, since the password is already saved.
 */
export function handOffOrStay(productHandoff: ProductHandoff | undefined, onError: (error: unknown) => void): HandOff {
  return async (email) => {
    if (!productHandoff) return null;
    try {
      return await productHandoff.redirectFor(email);
    } catch (error) {
      onError(error);
      return null;
    }
  };
}
