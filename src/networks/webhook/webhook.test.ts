import { describe, expect, it } from 'vitest';
import { verifyPayload, signPayload } from '../../core/signature.js';
import { startReceiver } from '../../../test/support/receiver.js';
import { defineNetworkContract } from '../contract-suite.js';
import { renderTemplate, webhookNetwork } from './index.js';

const SECRET = 'receiver-signing-secret-0123456789';

defineNetworkContract('webhook', async () => {
  const texts: string[] = [];
  const receiver = await startReceiver((req, res) => {
    const ok = verifyPayload({
      secret: SECRET,
      body: req.body,
      signature: req.headers['x-chorus-signature'] as string | undefined,
      timestamp: req.headers['x-chorus-timestamp'] as string | undefined,
      now: new Date(),
    });
    if (!ok) {
      res.writeHead(401);
      return void res.end();
    }
    const parsed = JSON.parse(req.body) as { text?: string };
    if (parsed.text) texts.push(parsed.text);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `r-${texts.length}` }));
  });
  return {
    allow: [receiver.host],
    credential: { url: `${receiver.url}/hooks/chorus`, secret: SECRET },
    revokedCredential: { url: `${receiver.url}/hooks/chorus`, secret: 'a-different-secret-000000' },
    received: async () => texts,
    failNext: receiver.failNext,
    secrets: [SECRET],
    close: receiver.close,
  };
});

describe('signed webhook details', () => {
  it('signs timestamp and body so a changed body or an old timestamp is rejected', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const ts = Math.floor(now.getTime() / 1000);
    const sig = signPayload(SECRET, ts, '{"a":1}');
    expect(
      verifyPayload({ secret: SECRET, body: '{"a":1}', signature: sig, timestamp: String(ts), now }),
    ).toBe(true);
    expect(
      verifyPayload({ secret: SECRET, body: '{"a":2}', signature: sig, timestamp: String(ts), now }),
    ).toBe(false);
    const later = new Date(now.getTime() + 301_000);
    expect(
      verifyPayload({ secret: SECRET, body: '{"a":1}', signature: sig, timestamp: String(ts), now: later }),
    ).toBe(false);
  });

  it('renders templates as JSON with escaped values, and refuses a template that is not JSON', () => {
    const body = renderTemplate('{"msg":{{text}},"k":{{idempotencyKey}}}', {
      text: 'say "hi"\n',
      idempotencyKey: 'k1',
    });
    expect(JSON.parse(body)).toEqual({ msg: 'say "hi"\n', k: 'k1' });
    expect(() =>
      webhookNetwork.parseCredential({
        url: 'https://example.com/h',
        secret: SECRET,
        template: '{"x": {{text}}',
      }),
    ).toThrow(/not valid JSON/);
    expect(() => webhookNetwork.parseCredential({ url: 'https://example.com/h', secret: 'short' })).toThrow(
      /16 characters/,
    );
  });

  it('sends the delivery key as Idempotency-Key', async () => {
    const receiver = await startReceiver((_req, res) => res.end('{}'));
    try {
      const { createAdapter } = await import('../registry.js');
      const { safeFetch } = await import('../../egress/safe-fetch.js');
      const { createLogger } = await import('../../core/logger.js');
      const a = createAdapter(
        'webhook',
        { url: `${receiver.url}/h`, secret: SECRET },
        {
          http: (u, r) => safeFetch(u, r, { allowPrivate: false, allowList: [receiver.host] }),
          clock: { now: () => new Date() },
          logger: createLogger('silent'),
        },
      );
      await a.publisher!.publish({ idempotencyKey: 'delivery-42', text: 'hello' });
      expect(receiver.requests[0]?.headers['idempotency-key']).toBe('delivery-42');
    } finally {
      await receiver.close();
    }
  });
});
