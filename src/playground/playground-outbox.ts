/**
 * The playground's mail server: every e-mail Roster sends lands here, for the page to show, and
 * none leaves the machine.
 */
import type { Clock } from '../domain/clock';
import type { Mail, Mailer } from '../domain/ports';

export interface OutboxMail {
  id: number;
  /** When it was sent, on the playground's clock. */
  at: string;
  to: string;
  subject: string;
  text: string;
}

/** Mail the page shows, newest last; the oldest are dropped past `keep`. */
export function createOutbox(
  clock: Clock,
  keep = 200,
): Mailer & { mails(): OutboxMail[]; onMail(listener: () => void): void; clear(): void } {
  const mails: OutboxMail[] = [];
  const listeners: (() => void)[] = [];
  let counter = 0;
  return {
    async send(mail: Mail) {
      mails.push({ id: ++counter, at: clock.now().toISOString(), to: mail.to, subject: mail.subject, text: mail.text });
      if (mails.length > keep) mails.splice(0, mails.length - keep);
      for (const listener of listeners) listener();
    },
    mails: () => [...mails],
    clear() {
      mails.length = 0;
    },
    onMail(listener) {
      listeners.push(listener);
    },
  };
}
