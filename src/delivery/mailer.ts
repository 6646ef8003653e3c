/**
 * E-mail: SMTP through nodemailer when `SMTP_URL` is set, otherwise one `.eml` file per
 * message in the outbox under `DATA_DIR` (for trying Roster out without a mail server).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Mail, Mailer } from '../domain/ports';

/** The mailer a deployment's configuration describes: mail from MAIL_FROM, else roster@ the host of PUBLIC_URL. */
export function mailerFor(config: { smtpUrl?: string; dataDir: string; publicUrl: string; mailFrom?: string }): Mailer {
  return createMailer({
    smtpUrl: config.smtpUrl,
    outboxDir: path.join(config.dataDir, 'outbox'),
    from: config.mailFrom ?? `roster@${new URL(config.publicUrl).hostname}`,
  });
}

/**
 * The message nodemailer sends: from `from` under the mail's display name (the account's), plain text
 * first and HTML as its alternative. The HTML goes base64, so that its long lines survive any relay
 * and whoever reads the raw message (or greps it for the link) meets each link once, in the text.
 */
export function composeMail(from: string, mail: Mail): SendMailOptions {
  return {
    from: { name: mail.fromName ?? 'Roster', address: from },
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    ...(mail.html
      ? { alternatives: [{ contentType: 'text/html; charset=utf-8', content: mail.html, contentTransferEncoding: 'base64' }] }
      : {}),
  };
}

/** `from` is the sender's bare address; each mail brings its own display name. */
export function createMailer(options: { smtpUrl?: string; outboxDir: string; from: string }): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail(composeMail(options.from, mail));
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail(composeMail(options.from, mail));
      await mkdir(options.outboxDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      await writeFile(path.join(options.outboxDir, name), info.message as Buffer, { mode: 0o600 });
    },
  };
}
