import type { AdapterDeps, NetworkAdapter, NetworkDefinition, PublishRequest } from './contract.js';
import { validateAgainstLimits } from './contract.js';
import { NetworkError } from './errors.js';
import { webhookNetwork } from './webhook/index.js';
import { discordNetwork } from './discord/index.js';
import { slackNetwork } from './slack/index.js';
import { blueskyNetwork } from './bluesky/index.js';
import { telegramNetwork } from './telegram/index.js';
import { mastodonNetwork } from './mastodon/index.js';

/** Every network Chorus knows, by id. Generic code reaches networks only through this map. */
export const NETWORKS = {
  bluesky: blueskyNetwork,
  webhook: webhookNetwork,
  discord: discordNetwork,
  slack: slackNetwork,
  telegram: telegramNetwork,
  mastodon: mastodonNetwork,
} as const;

export type NetworkId = keyof typeof NETWORKS;
export const NETWORK_IDS = Object.keys(NETWORKS) as NetworkId[];

export function isNetworkId(value: string): value is NetworkId {
  return value in NETWORKS;
}

export function networkDefinition(id: NetworkId): NetworkDefinition<unknown> {
  return NETWORKS[id] as unknown as NetworkDefinition<unknown>;
}

/**
 * Builds an adapter over a credential. The declared limits are enforced here, for every network: a
 * publish that breaks them is refused as `invalid_content` before any request leaves Chorus.
 */
export function createAdapter(id: NetworkId, credential: unknown, deps: AdapterDeps): NetworkAdapter {
  const definition = networkDefinition(id);
  const adapter = definition.create(definition.parseCredential(credential), deps);
  const publisher = adapter.publisher;
  if (!publisher) return adapter;
  const check = (request: PublishRequest) => {
    const issues = validateAgainstLimits(adapter.limits, request);
    if (issues.length > 0)
      throw new NetworkError(id, 'invalid_content', issues.map((i) => i.message).join(' '));
  };
  const inbox = adapter.inbox;
  const wrapped: NetworkAdapter = {
    ...adapter,
    ...(inbox
      ? {
          inbox: {
            ...inbox,
            reply: async (to, text, key) => {
              check({ idempotencyKey: key, text });
              return inbox.reply(to, text, key);
            },
          },
        }
      : {}),
    publisher: {
      ...publisher,
      publish: async (request: PublishRequest) => {
        check(request);
        return publisher.publish(request);
      },
    },
  };
  // Limits can change once an adapter has read its server's own (e.g. a Mastodon instance): always read live.
  Object.defineProperty(wrapped, 'limits', { get: () => adapter.limits, enumerable: true });
  return wrapped;
}
