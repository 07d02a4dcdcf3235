import { describe, expect, it } from 'vitest';
import { startReceiver } from '../../../test/support/receiver.js';
import { defineNetworkContract } from '../contract-suite.js';
import { slackNetwork } from './index.js';

/**
 * A loopback stand-in for a Slack incoming webhook, answering as documented at
 * https://api.slack.com/messaging/webhooks#handling_errors (plain-text `ok` or an error code).
 */
defineNetworkContract('slack', async () => {
  const texts: string[] = [];
  const receiver = await startReceiver((req, res) => {
    if (req.path === '/services/T0001/B0001/goodsecret') {
      const body = JSON.parse(req.body) as { text?: string };
      if (!body.text) {
        res.writeHead(400);
        return void res.end('no_text');
      }
      texts.push(body.text);
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('ok');
    }
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('no_service');
  });
  return {
    allow: [receiver.host],
    credential: { url: `${receiver.url}/services/T0001/B0001/goodsecret` },
    revokedCredential: { url: `${receiver.url}/services/T0001/B0001/removed` },
    received: async () => texts,
    failNext: receiver.failNext,
    secrets: ['goodsecret'],
    close: receiver.close,
  };
});

describe('slack credential', () => {
  it('explains where to find the incoming webhook URL', () => {
    expect(() => slackNetwork.parseCredential({ url: 'https://example.com/hook' })).toThrow(
      /incoming webhook URL/,
    );
  });
});
