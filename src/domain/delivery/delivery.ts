/**
 * How invites and links reach people: the port services call. The composition root wires it
 * to a Slack DM (when the address is in the workspace) and an e-mail (always).
 */
import { forEachLimited } from '../for-each-limited';

/**
 * An invite, a reminder of one, a password link (sent by an admin, or asked for), or a link that shows
 * a new credential once (e-mail only), as the recipient should read it.
 */
export interface OutgoingLink {
  kind: 'invite' | 'invite-reminder' | 'password-link' | 'password-reset' | 'credential-reveal';
  /** For `credential-reveal`: which credential the link shows. */
  credential?: 'api-key' | 'passcode';
  email: string;
  name?: string | null;
  link: string;
  expiresAt: Date;
  fromName?: string | null;
  note?: string | null;
}

/** What happened on each channel; problems are short sentences for the admin who acted. */
export interface DeliveryOutcome {
  email: string;
  slack: 'sent' | 'not-in-workspace' | 'failed';
  mail: 'sent' | 'failed';
  problems: string[];
}

export interface Delivery {
  send(message: OutgoingLink): Promise<DeliveryOutcome>;
}

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
