/**
 * The benchmark's stand-in for a network, in its own process (a network's servers are not on Chorus's CPU):
 * answers each post after `--latency-ms` ms and records when each idempotency key first arrived. Started by
 * `bench/publish.ts` over IPC: it sends `{ port }` once listening, and answers `'report'` with the arrivals and its CPU time since `'mark'`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const latencyMs = Number(process.argv[2] ?? '300');
const arrivals = new Map<string, number>();
let requests = 0;
let cpuMark = process.cpuUsage();

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = Date.now();
    requests += 1;
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { idempotencyKey?: string };
    const key = body.idempotencyKey;
    if (key && !arrivals.has(key)) arrivals.set(key, at);
    setTimeout(
      () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: key ?? 'ping' }));
      },
      key ? latencyMs : 0,
    );
  });
});

// A production server's accept queue, not Node's default 511: with thousands of connections opened at once,
// a short queue makes clients wait for SYN retries (1 s, 3 s), which would measure the kernel, not Chorus.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});

process.on('message', (message) => {
  if (message === 'mark') cpuMark = process.cpuUsage();
  if (message === 'report') {
    const cpu = process.cpuUsage(cpuMark);
    process.send!({ arrivals: [...arrivals], requests, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  if (message === 'stop') server.close(() => process.exit(0));
});
