import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of a real local server (e.g. the Bluesky PDS) that forwards every request and
 * can make the next one fail: 429, 502, or no answer at all. It also records the path of each request.
 */
type Failure = 'rate_limited' | 'server_error' | 'hang' | 'drop';

export async function startFaultProxy(target: string) {
  let failure: Failure | undefined;
  /** Failures for requests whose path contains `match`, after letting `after` of them through. */
  const targeted: { match: string; how: Failure; after: number }[] = [];
  const hanging: ServerResponse[] = [];
  const paths: string[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    paths.push(path);
    let f = failure;
    failure = undefined;
    const rule = targeted.find((t) => path.includes(t.match));
    if (rule) {
      if (rule.after > 0) rule.after -= 1;
      else {
        targeted.splice(targeted.indexOf(rule), 1);
        f = rule.how;
      }
    }
    if (f === 'hang') {
      req.resume();
      return void hanging.push(res);
    }
    if (f === 'rate_limited' || f === 'server_error') {
      req.resume();
      if (f === 'server_error') {
        res.writeHead(502);
        return void res.end();
      }
      res.writeHead(429, {
        'content-type': 'application/json',
        'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
      });
      return void res.end(JSON.stringify({ error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }));
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (up) => {
        if (f === 'drop') {
          // The server did the work; its answer is lost on the way back.
          up.resume();
          return void res.socket?.destroy();
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', (error) => {
      res.writeHead(599);
      res.end(`proxy could not reach upstream: ${error.message}`);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    paths,
    failNext(how: Failure) {
      failure = how;
    },
    /** Fails one request whose path contains `match` (`drop`: forwarded, then the answer is cut). */
    failOn(match: string, how: Failure, options: { after?: number } = {}) {
      targeted.push({ match, how, after: options.after ?? 0 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
