/**
 * A TCP proxy between Roster and PostgreSQL, so a test can make the store go away (and come back)
 * under a running Roster without stopping the PostgreSQL server other suites share.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface StoreProxy {
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string;
  /**
   * The store goes away: open connections are cut, and new ones are refused (`refuse`) or accepted and
   * never answered (`blackhole`, as a firewall that drops packets would leave them).
   */
  cut(mode?: 'refuse' | 'blackhole'): Promise<void>;
  /** The store is back: new connections reach it again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port to `target` (host:port). */
export async function startStoreProxy(target: { host: string; port: number }): Promise<StoreProxy> {
  const sockets = new Set<Socket>();
  let mode: 'pass' | 'refuse' | 'blackhole' = 'pass';
  let port = 0;
  let server: Server | null = null;

  const held = new Set<Socket>();

  function forward(client: Socket): void {
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  async function listen(): Promise<void> {
    const listening = createServer((client) => {
      track(client);
      if (mode === 'blackhole') {
        // Held, as a lost SYN is retransmitted: what the client sent meanwhile goes through once restored.
        client.pause();
        held.add(client);
        return;
      }
      forward(client);
    });
    await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
    port = (listening.address() as { port: number }).port;
    server = listening;
  }

  async function stopListening(): Promise<void> {
    const closing = server;
    server = null;
    if (closing) await new Promise((resolve) => closing.close(resolve));
  }

  function cutAll(): void {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    held.clear();
  }

  await listen();
  return {
    through(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    async cut(how = 'refuse') {
      mode = how;
      cutAll();
      if (how === 'refuse') await stopListening();
      else if (!server) await listen();
    },
    async restore() {
      mode = 'pass';
      for (const client of held) if (!client.destroyed) forward(client);
      held.clear();
      if (!server) await listen();
    },
    async close() {
      cutAll();
      await stopListening();
    },
  };
}
