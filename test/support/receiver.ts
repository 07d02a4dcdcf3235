import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body's exact bytes (binary uploads). */
  raw: Buffer;
}

/**
 * A loopback HTTP server standing in for a network's endpoint in tests. `handle` answers as the network's
 * published API does; `failNext` makes the next request fail (429, 500, or hang until the client gives up).
 */
export async function startReceiver(handle: (req: ReceivedRequest, res: ServerResponse) => void) {
  const requests: ReceivedRequest[] = [];
  let failure: 'rate_limited' | 'server_error' | 'hang' | undefined;
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const r = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, raw };
      requests.push(r);
      const f = failure;
      failure = undefined;
      if (f === 'hang') return void hanging.push(res);
      if (f === 'rate_limited') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
        return void res.end(
          JSON.stringify({ message: 'You are being rate limited.', retry_after: 7, global: false }),
        );
      }
      if (f === 'server_error') {
        res.writeHead(502, { 'content-type': 'text/plain' });
        return void res.end('bad gateway');
      }
      handle(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(how: 'rate_limited' | 'server_error' | 'hang') {
      failure = how;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
