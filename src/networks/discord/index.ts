import { z } from 'zod';
import { countCharacters, type NetworkDefinition, type NetworkLimits } from '../contract.js';
import { NetworkError, kindForStatus } from '../errors.js';
import { mapTransportError } from '../http-errors.js';

/**
 * Discord incoming webhooks. API: https://discord.com/developers/docs/resources/webhook#execute-webhook
 * `?wait=true` returns the created message, so posts can be read back and deleted
 * (https://discord.com/developers/docs/resources/webhook#get-webhook-message, …#delete-webhook-message).
 */
const Credential = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .refine(
      (u) => /\/api\/webhooks\/\d+\/[\w-]+\/?$/.test(new URL(u).pathname),
      'Paste the webhook URL from Discord: Server Settings → Integrations → Webhooks → Copy Webhook URL.',
    ),
});
export type DiscordCredential = z.infer<typeof Credential>;

// https://discord.com/developers/docs/resources/message#message-object
const Message = z.object({ id: z.string(), content: z.string(), channel_id: z.string() });
// https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit-rate-limit-response-structure
const RateLimited = z.object({ retry_after: z.number(), global: z.boolean().optional() });
// https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes (10015 Unknown Webhook)
const ErrorBody = z.object({ code: z.number(), message: z.string() });

const DISCORD_LIMITS: NetworkLimits = {
  // https://discord.com/developers/docs/resources/webhook#execute-webhook-jsonform-params (content: up to 2000 characters)
  text: { max: 2000, unit: 'characters', count: countCharacters },
  media: { maxItems: 0, types: [], maxBytes: 0 },
  threads: false,
  firstComment: false,
  rate: [{ requests: 5, perSeconds: 2, scope: 'channel' }],
};

export const discordNetwork: NetworkDefinition<DiscordCredential> = {
  limits: DISCORD_LIMITS,
  capabilities: ['publish', 'read_back', 'delete'],
  metadata: {
    id: 'discord',
    name: 'Discord (webhook)',
    docsUrl: 'https://discord.com/developers/docs/resources/webhook',
    preview: 'discord',
    auth: { kind: 'webhook_url', fields: [{ name: 'url', label: 'Webhook URL', secret: true }] },
    verification: 'local_receiver',
  },
  parseCredential: (input) => Credential.parse(input),
  create(credential, deps) {
    const id = 'discord';
    const base = credential.url.replace(/\/+$/, '');
    async function call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
      const res = await deps
        .http(`${base}${path}`, {
          method,
          headers: { 'content-type': 'application/json', 'user-agent': 'Chorus' },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          timeoutMs: 15_000,
          maxBytes: 256 * 1024,
        })
        .catch((error: unknown) => {
          throw mapTransportError(id, error);
        });
      if (res.status >= 200 && res.status < 300) return res;
      const json = safeJson(res.body);
      if (res.status === 429) {
        const rl = RateLimited.safeParse(json);
        const wait = rl.success ? rl.data.retry_after : 5;
        throw new NetworkError(
          id,
          'rate_limited',
          `Discord asks to wait ${wait} s before the next message.`,
          {
            status: 429,
            resetAt: new Date(deps.clock.now().getTime() + wait * 1000),
          },
        );
      }
      const err = ErrorBody.safeParse(json);
      if (res.status === 401 || res.status === 404 || (err.success && err.data.code === 10015)) {
        throw new NetworkError(
          id,
          'reconnect_required',
          'The Discord webhook was deleted or its URL is wrong. Create a new webhook in Discord and reconnect the channel.',
          { status: res.status },
        );
      }
      throw new NetworkError(
        id,
        kindForStatus(res.status),
        `Discord refused the request (${res.status}${err.success ? `: ${err.data.message}` : ''}).`,
        { status: res.status },
      );
    }
    return {
      metadata: discordNetwork.metadata,
      limits: DISCORD_LIMITS,
      async checkHealth() {
        const res = await call('GET', '');
        const info = z.object({ name: z.string().nullable().optional() }).safeParse(safeJson(res.body));
        return { ok: true, account: (info.success && info.data.name) || 'Discord webhook' };
      },
      publisher: {
        async publish(request) {
          const res = await call('POST', '?wait=true', {
            content: request.text,
            allowed_mentions: { parse: [] },
          });
          const message = Message.safeParse(safeJson(res.body));
          if (!message.success) {
            throw new NetworkError(
              id,
              'unknown_outcome',
              'Discord accepted the message but its answer was not understood; Chorus will check before sending again.',
            );
          }
          return { remoteId: message.data.id, url: null };
        },
        async readBack(remoteId) {
          try {
            const res = await call('GET', `/messages/${encodeURIComponent(remoteId)}`);
            const m = Message.parse(safeJson(res.body));
            return { remoteId: m.id, text: m.content, url: null };
          } catch (error) {
            if (error instanceof NetworkError && error.status === 404) return null;
            throw error;
          }
        },
        async delete(remoteId) {
          await call('DELETE', `/messages/${encodeURIComponent(remoteId)}`);
        },
      },
    };
  },
};

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
