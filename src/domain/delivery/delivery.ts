/**
 * Sending links to many people over the `Delivery` port (declared in src/domain/ports.ts). The
 * composition root wires the port to a Slack DM (when the address is in the workspace) and an e-mail (always).
 */
import { forEachLimited } from '../for-each-limited';
import type { Delivery, DeliveryOutcome, OutgoingLink } from '../ports';

/** The port and its types, still importable from here (the change layer, views and tests name them from this file). */
export type { Delivery, DeliveryOutcome, OutgoingLink } from '../ports';

/** Sends to many recipients a few at a time, never rejecting: failures are in the outcomes. */
export async function sendAll(delivery: Delivery, messages: OutgoingLink[], concurrency = 4): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = new Array(messages.length);
  await forEachLimited(messages, concurrency, async (message, index) => {
    outcomes[index] = await delivery.send(message).catch((error: unknown) => ({
      email: message.email,
      slack: 'failed' as const,
      mail: 'failed' as const,
      problems: [`could not deliver to ${message.email}: ${(error as Error).message}`],
    }));
  });
  return outcomes;
}
