/**
 * Delivers invites, reminders and password links: by Slack DM when the address belongs to
 * someone in the workspace, and by e-mail always (HTML with a plain-text alternative, from
 * templates/). Plain notices go by e-mail. Each channel's failure is reported, not thrown.
 */
import type { Logger } from 'pino';
import { formatWhen } from '../domain/format-when';
import type { Delivery, DeliveryOutcome, Mailer, OutgoingLink, OutgoingNotice } from '../domain/ports';
import { reasonOf } from '../errors';
import type { DirectMessages } from '../slack/slack-people';
import { escapeMrkdwn } from '../slack/views/format';
import { renderEmail } from './templates/email-layout';
import { linkEmail, linkSubject } from './templates/link-email';
import { noticeEmail } from './templates/notice-email';

function credentialName(message: OutgoingLink): string {
  return message.credential === 'passcode' ? 'API passcode' : 'API key';
}

/** The DM's body (the e-mail has its own, in templates/link-email.ts); `accountName` says what the link is for. */
export function linkText(message: OutgoingLink, accountName: string): string {
  const lines: string[] = [];
  if (message.kind === 'password-link') {
    lines.push(`Use this link to set a new password for ${accountName}. It works once.`);
  } else if (message.kind === 'credential-reveal') {
    lines.push(
      `${message.fromName ?? 'An admin'} issued you a new ${credentialName(message)}. For safety it is not in this message: open the link to see it. The link works once and shows it once, so have somewhere safe to keep it, like a password manager.`,
    );
  } else if (message.kind === 'password-reset') {
    lines.push(
      `Someone asked for a link to set a new password for ${message.email} in ${accountName}. Use this link to set one; it works once.`,
      'If you did not ask, ignore this message: your password stays as it is.',
    );
  } else {
    lines.push(
      `${message.fromName ?? 'An admin'} invited you to join ${accountName}. Open the link to choose your name and password, or to sign in with Google.`,
    );
  }
  if (message.note) lines.push('', `Note from ${message.fromName ?? 'the admin'}: ${message.note}`);
  lines.push(
    '',
    message.link,
    '',
    `The link expires ${formatWhen(message.expiresAt)}. If it has expired, ask an admin for a new one.`,
  );
  return lines.join('\n');
}

/** `accountName` is the account's name (its Slack workspace's), so that a link says what it is for. */
export function createLinkDelivery(deps: { dm: DirectMessages; mailer: Mailer; logger: Logger; accountName: string }): Delivery {
  const { accountName } = deps;
  return {
    async send(message): Promise<DeliveryOutcome> {
      const outcome: DeliveryOutcome = { email: message.email, slack: 'not-in-workspace', mail: 'sent', problems: [] };
      // The DM is mrkdwn: what the inviter typed must not mention @channel or disguise a link.
      const forSlack = {
        ...message,
        fromName: message.fromName ? escapeMrkdwn(message.fromName) : message.fromName,
        note: message.note ? escapeMrkdwn(message.note) : message.note,
      };
      try {
        // A reveal link goes to holders outside the workspace (or whose DM just failed): e-mail only.
        if (message.kind !== 'credential-reveal')
          outcome.slack = await deps.dm.toEmail(message.email, {
            text: `*${linkSubject(forSlack, escapeMrkdwn(accountName))}*\n${linkText(forSlack, escapeMrkdwn(accountName))}`,
          });
      } catch (error) {
        outcome.slack = 'failed';
        outcome.problems.push(`the Slack DM to ${message.email} failed (${reasonOf(error)})`);
        deps.logger.warn({ email: message.email, kind: message.kind, err: reasonOf(error) }, 'slack delivery failed');
      }
      try {
        const mail = await renderEmail(linkEmail(message, accountName));
        await deps.mailer.send({ to: message.email, ...mail, fromName: accountName, replyTo: message.replyTo ?? undefined });
      } catch (error) {
        outcome.mail = 'failed';
        outcome.problems.push(`the e-mail to ${message.email} failed (${reasonOf(error)})`);
        deps.logger.warn({ email: message.email, kind: message.kind, err: reasonOf(error) }, 'e-mail delivery failed');
      }
      return outcome;
    },
    async notice(notice: OutgoingNotice): Promise<boolean> {
      try {
        const mail = await renderEmail(noticeEmail(notice, accountName));
        const replyTo = notice.kind === 'address-changed' ? notice.by : undefined;
        await deps.mailer.send({ to: notice.email, ...mail, fromName: accountName, replyTo });
        return true;
      } catch (error) {
        deps.logger.warn({ email: notice.email, kind: notice.kind, err: reasonOf(error) }, 'e-mail notice failed');
        return false;
      }
    },
  };
}
