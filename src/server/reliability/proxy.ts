/**
 * A TCP proxy between Gridloop and PostgreSQL that a test can cut: `refuse` is a database that went down (every
 * connection reset, new ones closed at once), `partition` a network that stops carrying packets (connections stay
 * open, nothing gets through; when it heals, what was held is delivered, as TCP would). Never touches the server.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

type Mode = 'open' | 'refuse' | 'partition';

interface Pair {
  client: Socket;
  upstream: Socket | null;
  held: Array<[Socket, Buffer]>;
}

export class TcpProxy {
  private mode: Mode = 'open';
  private server: Server | null = null;
  private readonly pairs = new Set<Pair>();
  /** Connections accepted in all. */
  connections = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  private accept(client: Socket): void {
    this.connections++;
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const pair: Pair = { client, upstream: null, held: [] };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      pair.upstream?.destroy();
    };
    client.on('error', drop);
    client.on('close', drop);
    client.on('data', (chunk) => this.forward(pair, 'up', chunk));
    if (this.mode === 'open') this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair): void {
    const up = connect(this.target.port, this.target.host);
    pair.upstream = up;
    up.on('data', (chunk) => this.forward(pair, 'down', chunk));
    const drop = () => {
      this.pairs.delete(pair);
      pair.client.destroy();
      up.destroy();
    };
    up.on('error', drop);
    up.on('close', drop);
    // Without an upstream, everything held came from the client: it goes first.
    for (const [, chunk] of pair.held) up.write(chunk);
    pair.held = [];
  }

  private forward(pair: Pair, way: 'up' | 'down', chunk: Buffer): void {
    const to = way === 'up' ? pair.upstream : pair.client;
    if (this.mode === 'open' && to) to.write(chunk);
    else pair.held.push([way === 'up' ? pair.client : (pair.upstream as Socket), chunk]);
  }

  cut(mode: 'refuse' | 'partition'): void {
    this.mode = mode;
    if (mode === 'refuse') {
      for (const p of [...this.pairs]) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      this.pairs.clear();
    }
  }

  restore(): void {
    this.mode = 'open';
    for (const p of [...this.pairs]) {
      if (!p.upstream) {
        this.connectUpstream(p);
        continue;
      }
      const held = p.held;
      p.held = [];
      for (const [from, chunk] of held) (from === p.client ? p.upstream : p.client).write(chunk);
    }
  }

  async close(): Promise<void> {
    this.cut('refuse');
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
