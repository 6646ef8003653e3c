/** An SMTP server on loopback for e2e tests: keeps every message, or refuses some recipients, or holds messages back. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpOptions {
  /** Refuse every recipient (true) or those this returns true for. */
  reject?: boolean | ((address: string) => boolean);
}

export interface TestSmtp {
  messages: { to: string[]; raw: string }[];
  url: string;
  /** The decoded text of every message to `address`, oldest first. */
  textsTo(address: string): string[];
  /**
   * From now on, keeps each message's sender waiting at the end of its DATA (the message is not
   * yet accepted, nor in `messages`) until the returned function is called: proves that whoever
   * answered meanwhile did not wait for the e-mail, without timing anything.
   */
  hold(): () => void;
  /** How many messages are being held. */
  held(): number;
  /** Resolves once no message has arrived or been held for `ms`. */
  quiet(ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(options: SmtpOptions | boolean = {}): Promise<TestSmtp> {
  const { reject } = typeof options === 'boolean' ? { reject: options } : options;
  const messages: { to: string[]; raw: string }[] = [];
  let gate: Promise<void> | null = null;
  let held = 0;
  let lastActivity = Date.now();
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
        lastActivity = Date.now();
        const accept = () => {
          messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          lastActivity = Date.now();
          callback();
        };
        if (!gate) return accept();
        held++;
        void gate.then(() => {
          held--;
          accept();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    messages,
    url: `smtp://127.0.0.1:${port}`,
    textsTo: (address) => messages.filter((m) => m.to.includes(address)).map((m) => m.raw.replace(/=\r?\n/g, '')),
    hold() {
      let open: () => void = () => undefined;
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      return () => {
        gate = null;
        open();
      };
    },
    held: () => held,
    async quiet(ms = 300) {
      while (held > 0 || Date.now() - lastActivity < ms) await new Promise((resolve) => setTimeout(resolve, 25));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
