import { describe, expect, it } from 'vitest';
import { startReceiver } from '../../../test/support/receiver.js';
import { defineNetworkContract } from '../contract-suite.js';
import { discordNetwork } from './index.js';

/**
 * A loopback stand-in for Discord's webhook endpoints, answering with the documented shapes:
 * https://discord.com/developers/docs/resources/webhook (execute with ?wait=true, get/delete message).
 */
defineNetworkContract('discord', async () => {
  const messages = new Map<string, string>();
  const texts: string[] = [];
  let next = 1000;
  const receiver = await startReceiver((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const url = new URL(req.path, 'http://x');
    const live = /^\/api\/webhooks\/111\/good-token(\/messages\/(\d+))?$/.exec(url.pathname);
    if (!live) return json(404, { message: 'Unknown Webhook', code: 10015 });
    const id = live[2];
    if (req.method === 'POST' && !id) {
      const body = JSON.parse(req.body) as { content: string };
      const messageId = String(next++);
      messages.set(messageId, body.content);
      texts.push(body.content);
      return url.searchParams.get('wait') === 'true'
        ? json(200, { id: messageId, content: body.content, channel_id: '222' })
        : json(204, undefined);
    }
    if (req.method === 'GET' && !id)
      return json(200, { id: '111', name: 'Acme announcements', channel_id: '222' });
    if (!id || !messages.has(id)) return json(404, { message: 'Unknown Message', code: 10008 });
    if (req.method === 'GET') return json(200, { id, content: messages.get(id), channel_id: '222' });
    if (req.method === 'DELETE') {
      messages.delete(id);
      return json(204, undefined);
    }
    return json(405, { message: '405: Method Not Allowed', code: 0 });
  });
  return {
    allow: [receiver.host],
    credential: { url: `${receiver.url}/api/webhooks/111/good-token` },
    revokedCredential: { url: `${receiver.url}/api/webhooks/111/deleted-token` },
    received: async () => texts,
    failNext: receiver.failNext,
    secrets: ['good-token'],
    close: receiver.close,
  };
});

describe('discord credential', () => {
  it('explains where to find the webhook URL when given something else', () => {
    expect(() => discordNetwork.parseCredential({ url: 'https://discord.com/channels/1/2' })).toThrow(
      /Integrations → Webhooks/,
    );
  });
});
