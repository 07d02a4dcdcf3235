import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from './address-policy.js';
import { EgressError, MAX_CONNECTIONS_PER_POOL, safeFetch } from './safe-fetch.js';

describe('address policy', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a9fe:a9fe',
    'not-an-ip',
  ])('blocks %s', (a) => expect(isPublicAddress(a)).toBe(false));

  it.each(['93.184.215.14', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (a) =>
    expect(isPublicAddress(a)).toBe(true),
  );
});

describe('safe fetch (loopback servers only)', () => {
  let target: Server;
  let redirector: Server;
  let slow: Server;
  const port = (s: Server) => (s.address() as AddressInfo).port;
  const listen = (s: Server) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));

  beforeAll(async () => {
    target = createServer((req, res) => {
      if (req.url === '/big') {
        res.end(Buffer.alloc(64 * 1024));
        return;
      }
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, body })));
    });
    redirector = createServer((req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${port(target)}/after-redirect` });
      res.end();
    });
    slow = createServer(() => undefined);
    await Promise.all([listen(target), listen(redirector), listen(slow)]);
  });
  afterAll(() => {
    for (const s of [target, redirector, slow]) s.close();
  });

  it('refuses loopback by default, naming what to do', async () => {
    const err = await safeFetch(`http://127.0.0.1:${port(target)}/`, {}, { allowPrivate: false }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EgressError);
    expect((err as EgressError).reason).toBe('blocked');
    await expect(safeFetch(`http://localhost:${port(target)}/`, {}, { allowPrivate: false })).rejects.toThrow(
      /private or reserved/,
    );
    await expect(
      safeFetch(`http://[::ffff:127.0.0.1]:${port(target)}/`, {}, { allowPrivate: false }),
    ).rejects.toThrow(/private/);
  });

  it('reaches an explicitly allowed destination', async () => {
    const res = await safeFetch(
      `http://127.0.0.1:${port(target)}/x`,
      { method: 'POST', body: 'hello' },
      { allowPrivate: false, allowList: [`127.0.0.1:${port(target)}`] },
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ method: 'POST', body: 'hello' });
  });

  it('checks every redirect hop again', async () => {
    const policy = { allowPrivate: false, allowList: [`127.0.0.1:${port(redirector)}`] };
    await expect(safeFetch(`http://127.0.0.1:${port(redirector)}/`, {}, policy)).rejects.toThrow(
      /private or reserved/,
    );
    const open = await safeFetch(`http://127.0.0.1:${port(redirector)}/`, {}, { allowPrivate: true });
    expect(open.url).toContain('/after-redirect');
  });

  it('can return a redirect as it is, and keep the start of an oversized body', async () => {
    const policy = { allowPrivate: true };
    const answer = await safeFetch(`http://127.0.0.1:${port(redirector)}/`, { redirect: 'manual' }, policy);
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toContain('/after-redirect');
    const cut = await safeFetch(
      `http://127.0.0.1:${port(target)}/big`,
      { maxBytes: 1000, oversize: 'truncate' },
      policy,
    );
    expect(cut.status).toBe(200);
    expect(cut.body.length).toBe(1000);
  });

  it('caps size and time, and refuses other schemes and credentials in URLs', async () => {
    const policy = { allowPrivate: true };
    await expect(
      safeFetch(`http://127.0.0.1:${port(target)}/big`, { maxBytes: 1000 }, policy),
    ).rejects.toMatchObject({ reason: 'too_large' });
    await expect(
      safeFetch(`http://127.0.0.1:${port(slow)}/`, { timeoutMs: 300 }, policy),
    ).rejects.toMatchObject({ reason: 'timeout' });
    await expect(safeFetch('file:///etc/passwd', {}, policy)).rejects.toMatchObject({
      reason: 'invalid_url',
    });
    await expect(safeFetch(`http://user:pw@127.0.0.1:${port(target)}/`, {}, policy)).rejects.toMatchObject({
      reason: 'invalid_url',
    });
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const seen: (string | undefined)[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('ok');
    });
    await listen(other);
    const hop = createServer((req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${port(other)}/landing` });
      res.end();
    });
    await listen(hop);
    try {
      const res = await safeFetch(
        `http://127.0.0.1:${port(hop)}/`,
        { headers: { authorization: 'Bearer secret-token' } },
        { allowPrivate: true },
      );
      expect(res.status).toBe(200);
      expect(seen).toEqual([undefined]);
    } finally {
      other.close();
      hop.close();
    }
  });

  /** A server that notes the client port of each request (one port = one connection). */
  async function portRecorder(keepAliveTimeoutMs?: number) {
    const sockets: number[] = [];
    const server = createServer((req, res) => {
      sockets.push(req.socket.remotePort!);
      res.end('ok');
    });
    if (keepAliveTimeoutMs) server.keepAliveTimeout = keepAliveTimeoutMs;
    await listen(server);
    return {
      sockets,
      fetchOnce: () => safeFetch(`http://127.0.0.1:${port(server)}/`, {}, { allowPrivate: true }),
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('reuses a connection to the same origin, and drops it after a second idle', async () => {
    const { sockets, fetchOnce, close } = await portRecorder();
    try {
      await fetchOnce();
      // The connection returns to its pool just after the answer is read.
      await pause(50);
      await fetchOnce();
      expect(sockets[1]).toBe(sockets[0]);
      await pause(1_600);
      await fetchOnce();
      expect(sockets[2]).not.toBe(sockets[0]);
    } finally {
      close();
    }
  });

  it('opens at most a full pool of connections to one origin; the other requests wait their turn', async () => {
    const held: (() => void)[] = [];
    let open = 0;
    let mostOpen = 0;
    const server = createServer((req, res) => {
      req.resume();
      held.push(() => res.end('ok'));
    });
    server.on('connection', (socket) => {
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      socket.on('close', () => (open -= 1));
    });
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, r));
    try {
      const total = MAX_CONNECTIONS_PER_POOL + 50;
      const url = `http://127.0.0.1:${port(server)}/burst`;
      const answers = Array.from({ length: total }, () =>
        safeFetch(url, { method: 'POST', body: 'x', timeoutMs: 30_000 }, { allowPrivate: true }),
      );
      await expect.poll(() => held.length, { timeout: 20_000 }).toBe(MAX_CONNECTIONS_PER_POOL);
      await pause(200);
      // The pool is full: no further connection is opened, and the rest have not been sent.
      expect(held.length).toBe(MAX_CONNECTIONS_PER_POOL);
      expect(mostOpen).toBe(MAX_CONNECTIONS_PER_POOL);
      // As answers come, the waiting requests go out on the same connections.
      const all = Promise.all(answers);
      let done = false;
      void all.then(() => (done = true));
      while (!done) {
        for (const answer of held.splice(0)) answer();
        await pause(20);
      }
      const results = await all;
      expect(results.filter((r) => r.status === 200)).toHaveLength(total);
      expect(mostOpen).toBe(MAX_CONNECTIONS_PER_POOL);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('does not reuse connections to a server that closes them within 3 seconds', async () => {
    const { sockets, fetchOnce, close } = await portRecorder(2_000);
    try {
      await fetchOnce();
      await pause(50);
      await fetchOnce();
      expect(sockets[1]).not.toBe(sockets[0]);
    } finally {
      close();
    }
  });

  it('says whether a failed request was written in full, so only a request the server may have read is in doubt', async () => {
    const refused = await safeFetch(
      'http://127.0.0.1:1/',
      { method: 'POST', body: 'x' },
      { allowPrivate: true },
    ).catch((e: unknown) => e as EgressError);
    expect(refused).toMatchObject({ reason: 'network', systemCode: 'ECONNREFUSED', requestWritten: false });

    // Reads the whole request, never answers: the request was written, the outcome is unknown.
    const reading = createServer((req) => req.resume());
    // Accepts the connection and stays silent: a TLS handshake never ends, so no request can be written.
    const deaf = createNetServer(() => undefined);
    await Promise.all([listen(reading), new Promise<void>((r) => deaf.listen(0, '127.0.0.1', () => r()))]);
    try {
      const read = await safeFetch(
        `http://127.0.0.1:${port(reading)}/`,
        { method: 'POST', body: 'hello', timeoutMs: 300 },
        { allowPrivate: true },
      ).catch((e: unknown) => e as EgressError);
      expect(read).toMatchObject({ reason: 'timeout', requestWritten: true });

      const unwritten = await safeFetch(
        `https://127.0.0.1:${(deaf.address() as AddressInfo).port}/`,
        { method: 'POST', body: 'hello', timeoutMs: 300 },
        { allowPrivate: true },
      ).catch((e: unknown) => e as EgressError);
      expect(unwritten).toMatchObject({ reason: 'timeout', requestWritten: false });
      expect((unwritten as EgressError).message).toMatch(/Could not send the request/);
    } finally {
      reading.closeAllConnections();
      reading.close();
      deaf.close();
    }
  });
});
