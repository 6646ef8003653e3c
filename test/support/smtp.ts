/** An SMTP server on loopback for e2e tests: keeps every message, or refuses some recipients, or answers slowly. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpOptions {
  /** Refuse every recipient (true) or those this returns true for. */
  reject?: boolean | ((address: string) => boolean);
  /** Milliseconds to wait before accepting each message. */
  delayMs?: number;
}

export interface TestSmtp {
  messages: { to: string[]; raw: string }[];
  url: string;
  /** The decoded text of every message to `address`, oldest first. */
  textsTo(address: string): string[];
  close(): Promise<void>;
}

export async function startSmtp(options: SmtpOptions | boolean = {}): Promise<TestSmtp> {
  const { reject, delayMs = 0 } = typeof options === 'boolean' ? { reject: options } : options;
  const messages: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refused = typeof reject === 'function' ? reject(address.address) : reject === true;
      callback(refused ? new Error('mailbox unavailable') : undefined);
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      stream.on('end', () => {
        setTimeout(() => {
          messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        }, delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    messages,
    url: `smtp://127.0.0.1:${port}`,
    textsTo: (address) => messages.filter((m) => m.to.includes(address)).map((m) => m.raw.replace(/=\r?\n/g, '')),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
