import { z } from 'zod';
import { countCharacters, type NetworkDefinition, type NetworkLimits } from '../contract.js';
import { NetworkError, kindForStatus, retryAfter } from '../errors.js';
import { mapTransportError } from '../http-errors.js';

/**
 * Slack incoming webhooks: https://api.slack.com/messaging/webhooks. The answer is plain text: `ok`, or an
 * error code listed at https://api.slack.com/messaging/webhooks#handling_errors. Incoming webhooks return
 * no message id, so posts cannot be read back or deleted through them.
 */
const Credential = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .refine(
      (u) => /^\/services\/[\w]+\/[\w]+\/[\w]+\/?$/.test(new URL(u).pathname),
      'Paste the incoming webhook URL from your Slack app (https://hooks.slack.com/services/…).',
    ),
});
export type SlackCredential = z.infer<typeof Credential>;

/** Error codes Slack documents for incoming webhooks, and what they mean for Chorus. */
const RECONNECT = new Set([
  'invalid_token',
  'no_service',
  'no_service_id',
  'no_team',
  'team_disabled',
  'channel_not_found',
  'channel_is_archived',
  'action_prohibited',
  'posting_to_general_channel_denied',
]);
const INVALID = new Set([
  'invalid_payload',
  'no_text',
  'too_many_attachments',
  'user_not_found',
  'missing_text_or_fallback_or_attachments',
]);

const SLACK_LIMITS: NetworkLimits = {
  // Slack truncates messages longer than 40,000 characters: https://api.slack.com/methods/chat.postMessage#truncating
  text: { max: 40_000, unit: 'characters', count: countCharacters },
  media: { maxItems: 0, types: [], maxBytes: 0 },
  threads: false,
  firstComment: false,
  rate: [{ requests: 1, perSeconds: 1, scope: 'channel' }],
};

export const slackNetwork: NetworkDefinition<SlackCredential> = {
  limits: SLACK_LIMITS,
  capabilities: ['publish'],
  metadata: {
    id: 'slack',
    name: 'Slack (incoming webhook)',
    docsUrl: 'https://api.slack.com/messaging/webhooks',
    preview: 'slack',
    auth: { kind: 'webhook_url', fields: [{ name: 'url', label: 'Incoming webhook URL', secret: true }] },
    verification: 'local_receiver',
  },
  parseCredential: (input) => Credential.parse(input),
  create(credential, deps) {
    const id = 'slack';
    return {
      metadata: slackNetwork.metadata,
      limits: SLACK_LIMITS,
      // Incoming webhooks have no read-only call; a health check would post a message. Report what we know.
      async checkHealth() {
        return { ok: true, account: 'Slack incoming webhook' };
      },
      publisher: {
        async publish(request) {
          const res = await deps
            .http(credential.url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'user-agent': 'Chorus' },
              body: JSON.stringify({ text: request.text }),
              timeoutMs: 15_000,
              maxBytes: 16 * 1024,
            })
            .catch((error: unknown) => {
              throw mapTransportError(id, error);
            });
          const code = res.body.toString('utf8').trim();
          if (res.status === 200 && code === 'ok') return { remoteId: null, url: null };
          if (res.status === 429) {
            throw new NetworkError(id, 'rate_limited', 'Slack asks Chorus to slow down.', {
              status: 429,
              resetAt:
                retryAfter(res.headers['retry-after'], deps.clock.now()) ??
                new Date(deps.clock.now().getTime() + 30_000),
            });
          }
          if (RECONNECT.has(code)) {
            throw new NetworkError(
              id,
              'reconnect_required',
              `Slack refused the webhook (${code}): it was removed or its channel changed. Create a new incoming webhook and reconnect the channel.`,
              { status: res.status },
            );
          }
          if (INVALID.has(code)) {
            throw new NetworkError(
              id,
              'invalid_content',
              `Slack refused the message (${code}). Check the text.`,
              { status: res.status },
            );
          }
          throw new NetworkError(
            id,
            res.status === 200 ? 'unknown_outcome' : kindForStatus(res.status),
            `Slack answered ${res.status}.`,
            { status: res.status },
          );
        },
      },
    };
  },
};
