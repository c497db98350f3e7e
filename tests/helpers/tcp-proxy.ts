/**
 * A loopback TCP proxy a test can cut and restore, to make a shared backend (Redis) look
 * unreachable to one server without touching the backend other test runs use; and a TCP load
 * balancer over several instances (round robin, skipping dead ones), as in production.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  url: string;
  /** Drops every connection and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** @example const proxy = await startTcpProxy(6379); const url = proxy.url; // redis://127.0.0.1:<port> */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1', scheme = 'redis'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const port = await listen(0);
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { port, url: `${scheme}://127.0.0.1:${port}`, cut: stop, restore: () => listen(port).then(() => undefined), close: stop };
}

export interface TcpBalancer {
  url: string;
  close(): Promise<void>;
}

/**
 * Each new connection goes to the next backend port that accepts it, so a client that lost its
 * instance reconnects through the same URL to a live one.
 *
 * @example const balancer = await startTcpBalancer(() => alive.map((instance) => instance.port));
 */
export async function startTcpBalancer(backendPorts: () => number[]): Promise<TcpBalancer> {
  const sockets = new Set<Socket>();
  let next = 0;
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const ports = backendPorts();
    const tryBackend = (attempt: number) => {
      const port = ports[(next + attempt) % Math.max(ports.length, 1)];
      if (port === undefined || attempt >= ports.length) {
        client.destroy();
        return;
      }
      const upstream = connect(port, '127.0.0.1');
      upstream.once('connect', () => {
        next = (next + attempt + 1) % ports.length;
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      upstream.once('error', () => tryBackend(attempt + 1));
    };
    tryBackend(0);
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
