/**
 * For tests only: a TCP proxy on 127.0.0.1 in front of a real server, which can go silent the way
 * a host that lost power or its network does — connections stay open, nothing arrives, nothing is
 * refused — and come back.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SilentProxy {
  url: string;
  port: number;
  /** From now on no byte passes in either direction, and new connections hang unanswered. */
  silence(): void;
  /** New connections are forwarded again (the silenced ones are closed). */
  resume(): void;
  close(): Promise<void>;
}

export async function startSilentProxy(targetPort: number): Promise<SilentProxy> {
  let silent = false;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null; silenced: boolean }>();
  const server = net.createServer((client) => {
    const pair = { client, upstream: null as net.Socket | null, silenced: silent };
    pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (pair.silenced) {
      client.on('data', () => {}); // read and drop
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => {
      if (!pair.silenced) client.destroy();
    });
    client.on('data', (d: Buffer) => {
      if (!pair.silenced) upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (!pair.silenced) client.write(d);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    silence() {
      silent = true;
      for (const p of pairs) p.silenced = true;
    },
    resume() {
      silent = false;
      for (const p of [...pairs]) if (p.silenced) {
        p.client.destroy();
        p.upstream?.destroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const p of pairs) {
          p.client.destroy();
          p.upstream?.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
