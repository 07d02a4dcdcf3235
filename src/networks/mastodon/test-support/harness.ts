import { afterAll, beforeAll, expect } from 'vitest';
import type { AdapterDeps } from '../../contract.js';
import type { NetworkError } from '../../errors.js';
import { mastodonNetwork } from '../index.js';
import { testDeps } from './deps.js';
import { GOOD_TOKEN, startMastodonStandIn, type MastodonStandIn, type SeenRequest } from './stand-in.js';

/**
 * Starts a stand-in for the calling test file and gives adapters over it, plus views of the requests it saw.
 * Every adapter is fresh, as the registry creates one per use.
 */
export function useStandIn() {
  let standIn: MastodonStandIn | undefined;
  let env: ReturnType<typeof testDeps> | undefined;
  beforeAll(async () => {
    standIn = await startMastodonStandIn();
    env = testDeps(standIn.host);
  });
  afterAll(async () => {
    await standIn?.close();
  });
  const t = {
    get standIn(): MastodonStandIn {
      return standIn!;
    },
    get env(): ReturnType<typeof testDeps> {
      return env!;
    },
    adapter: (deps: AdapterDeps = env!.deps, accessToken = GOOD_TOKEN) =>
      mastodonNetwork.create(mastodonNetwork.parseCredential({ instance: standIn!.url, accessToken }), deps),
    /** Where the request log stands now. */
    mark: () => standIn!.requests.length,
    /** Requests since `from`, those matching "METHOD /path" (a prefix) if given. */
    after: (from: number, match = '') =>
      standIn!.requests.slice(from).filter((r) => `${r.method} ${r.path}`.startsWith(match)),
    /** Requests since `from` other than the instance document a fresh adapter reads first. */
    api: (from: number) => t.after(from).filter((r) => r.path !== '/api/v2/instance'),
  };
  return t;
}

export const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected a failure'),
    (e: unknown) => e as NetworkError,
  );

export const json = (r: SeenRequest | undefined) => JSON.parse(r!.body.toString('utf8'));
