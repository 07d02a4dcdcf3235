import type { ContractEnv } from '../../contract-suite.js';
import { GOOD_TOKEN, REVOKED_TOKEN, startMastodonStandIn } from './stand-in.js';

/**
 * The shared contract suite's environment for Mastodon: the loopback stand-in (./stand-in.ts). A revoked
 * token is answered 401 as Mastodon does; failNext answers 429 with X-RateLimit-Reset a minute ahead, 502 as
 * a proxy in front of a failing server would, or never.
 */
export async function mastodonContractEnv(): Promise<ContractEnv> {
  const standIn = await startMastodonStandIn();
  return {
    allow: [standIn.host],
    credential: { instance: standIn.url, accessToken: GOOD_TOKEN },
    revokedCredential: { instance: standIn.url, accessToken: REVOKED_TOKEN },
    received: async () => [...standIn.created],
    failNext: standIn.failNext,
    secrets: [GOOD_TOKEN, REVOKED_TOKEN],
    close: standIn.close,
  };
}
