/**
 * E-mail: SMTP through nodemailer when `SMTP_URL` is set, otherwise one `.eml` file per
 * message in the outbox under `DATA_DIR` (for trying Roster out without a mail server).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer } from '../domain/ports';

/** The mailer a deployment's configuration describes: mail from roster@ the host of PUBLIC_URL (no variable of its own). */
export function mailerFor(config: { smtpUrl?: string; dataDir: string; publicUrl: string }): Mailer {
  return createMailer({
    smtpUrl: config.smtpUrl,
    outboxDir: path.join(config.dataDir, 'outbox'),
    from: `Roster <roster@${new URL(config.publicUrl).hostname}>`,
  });
}

export function createMailer(options: { smtpUrl?: string; outboxDir: string; from: string }): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail({ from: options.from, ...mail });
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail({ from: options.from, ...mail });
      await mkdir(options.outboxDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      await writeFile(path.join(options.outboxDir, name), info.message as Buffer, { mode: 0o600 });
    },
  };
}
